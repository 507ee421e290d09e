import type { DeadLetterDetail, DeadLetterSummary } from '@wink/contracts';

export interface RecorderTarget {
  recorderUrl: string;
  apiKey: string;
}

async function call<T>(target: RecorderTarget, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${target.recorderUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.apiKey}` },
  });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(`${res.status} ${body.message ?? res.statusText}`);
  return body;
}

/** The tenant's dead letters, newest first. */
export function listDeadLetters(
  target: RecorderTarget,
  topic: string | undefined,
  limit: number,
): Promise<DeadLetterSummary[]> {
  const query = new URLSearchParams({ limit: String(limit), ...(topic ? { topic } : {}) });
  return call(target, `/v1/dead-letters?${query}`);
}

export function showDeadLetter(target: RecorderTarget, id: string): Promise<DeadLetterDetail> {
  return call(target, `/v1/dead-letters/${encodeURIComponent(id)}`);
}

/** Publishes the original message again on its source topic, once the cause is fixed. */
export function replayDeadLetter(
  target: RecorderTarget,
  id: string,
): Promise<{ id: string; replayedTo: string }> {
  return call(target, `/v1/dead-letters/${encodeURIComponent(id)}/replay`, 'POST');
}

export function formatDeadLetters(rows: DeadLetterSummary[]): string {
  if (rows.length === 0) return 'no dead letters';
  const lines = [
    'id                                    dead at                   service      topic / partition / offset   error',
  ];
  for (const r of rows)
    lines.push(
      `${r.id}  ${r.deadAt}  ${r.service.padEnd(11)}  ${`${r.sourceTopic}/${r.partition}/${r.offset}`.padEnd(28)} ${r.error.slice(0, 100)}${r.replays ? `  (replayed ${r.replays}×)` : ''}`,
    );
  return lines.join('\n');
}

export function formatDeadLetter(d: DeadLetterDetail): string {
  return [
    `id:        ${d.id}`,
    `source:    ${d.sourceTopic} partition ${d.partition} offset ${d.offset} (key ${d.key ?? '-'})`,
    `set aside: ${d.deadAt} by ${d.service} (group ${d.consumerGroup}) after ${d.attempts} attempt(s)`,
    `failure:   ${d.failure}: ${d.error}`,
    `replayed:  ${d.replayedAt ? `${d.replays}×, last ${d.replayedAt}` : 'never'}`,
    `message:   ${d.valueText ?? `(binary, base64) ${d.valueBase64}`}`,
  ].join('\n');
}
