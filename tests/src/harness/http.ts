import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TrajectoryEvent } from '@wink/contracts';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));

/**
 * A bundled sample with its session and event ids made unique, so runs never collide; with
 * `endingAt`, its timestamps moved so its last step is at that time.
 */
export function loadSample(
  name: 'looping-session' | 'clean-session',
  suffix: string,
  endingAt?: Date,
): TrajectoryEvent[] {
  const events = readFileSync(`${SAMPLES}${name}.jsonl`, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TrajectoryEvent);
  const shift = endingAt ? endingAt.getTime() - Date.parse(events.at(-1)!.ts) : 0;
  return events.map((e) => ({
    ...e,
    sessionId: `${e.sessionId}-${suffix}`,
    eventId: `${e.eventId}-${suffix}`,
    ts: new Date(Date.parse(e.ts) + shift).toISOString(),
  }));
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export async function request<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; apiKey?: string; body?: unknown; rawBody?: string } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.apiKey) headers.authorization = `Bearer ${init.apiKey}`;
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export function postEvents(ingestUrl: string, apiKey: string, events: unknown[]) {
  return request<{ accepted?: number; field?: string; message?: string }>(
    `${ingestUrl}/v1/events`,
    {
      apiKey,
      body: { events },
    },
  );
}

export interface GuidanceItem {
  interventionId: string;
  sessionId: string;
  severity: string;
  subtype: string;
  text: string;
  atSeq: number;
}

export function pollGuidance(
  interventionUrl: string,
  apiKey: string,
  sessionId: string,
  waitMs: number,
) {
  return request<{ guidance: GuidanceItem[] }>(
    `${interventionUrl}/v1/sessions/${encodeURIComponent(sessionId)}/guidance?waitMs=${waitMs}`,
    { apiKey },
  );
}
