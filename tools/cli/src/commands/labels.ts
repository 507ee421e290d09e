import { writeFileSync } from 'node:fs';
import type { DetectorPrecision } from '@wink/contracts';

export interface ApiTarget {
  apiUrl: string;
  apiKey: string;
}

export async function call(target: ApiTarget, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${target.apiUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { message?: string };
    throw new Error(`${res.status} ${problem.message ?? res.statusText}`);
  }
  return res;
}

/** Labels a session (`misbehaved` / `clean`) or a verdict (`true_positive` / `false_positive`). */
export async function label(
  target: ApiTarget,
  what: 'session' | 'verdict',
  id: string,
  fields: Record<string, string | number | undefined>,
): Promise<Record<string, unknown>> {
  const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const path = `/v1/${what === 'session' ? 'sessions' : 'verdicts'}/${encodeURIComponent(id)}/labels`;
  return (await call(target, path, body)).json() as Promise<Record<string, unknown>>;
}

/** Writes the labelled history as the JSONL `wink eval` reads; returns how many sessions. */
export async function exportLabels(target: ApiTarget, out: string | undefined): Promise<number> {
  const text = await (await call(target, '/v1/labels/export')).text();
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  return text.split('\n').filter(Boolean).length;
}

export async function precision(target: ApiTarget): Promise<DetectorPrecision[]> {
  const { detectors } = (await (await call(target, '/v1/labels/precision')).json()) as {
    detectors: DetectorPrecision[];
  };
  return detectors;
}

export function formatPrecision(rows: DetectorPrecision[]): string {
  if (rows.length === 0) return 'no labelled verdicts yet';
  const lines = [
    'detector                         subtype                      labelled  TP  FP  precision',
  ];
  for (const r of rows) {
    lines.push(
      `${r.detector.padEnd(32)} ${r.subtype.padEnd(28)} ${String(r.labelled).padStart(8)} ${String(r.truePositives).padStart(3)} ${String(r.falsePositives).padStart(3)}  ${(r.precision * 100).toFixed(0).padStart(8)}%`,
    );
  }
  return lines.join('\n');
}
