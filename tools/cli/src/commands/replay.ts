import { randomBytes } from 'node:crypto';
import type { TrajectoryEvent } from '@wink/contracts';
import { WinkClient, type Guidance } from '@wink/client';
import { percentile } from '../percentiles.js';

export interface ReplayOptions {
  sessions: Map<string, TrajectoryEvent[]>;
  url: string;
  guidanceUrl?: string;
  apiKey: string;
  /** Events per second across all sessions; 0 sends each session in one batch. */
  rate: number;
  /** Appended to session and event ids, so that a replay is a new session every time. */
  suffix?: string;
  /** How long to keep listening for guidance after the last event was sent. */
  graceMs?: number;
  progress?: (sent: number, total: number) => void;
}

export interface ReceivedGuidance extends Guidance {
  /** From sending the event the guidance cites to receiving the guidance. */
  latencyMs: number;
}

export interface ReplayReport {
  sessions: Array<{ sessionId: string; events: number; guidance: ReceivedGuidance[] }>;
  latency: { p50: number; p95: number; p99: number; count: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Streams sessions into a running pipeline and collects the guidance that comes back. */
export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const client = new WinkClient({
    ingestUrl: options.url,
    guidanceUrl: options.guidanceUrl,
    apiKey: options.apiKey,
  });
  const suffix = options.suffix ?? randomBytes(3).toString('hex');
  const sessions = [...options.sessions.entries()].map(([id, events]) => ({
    sessionId: `${id}-${suffix}`,
    events: events.map((e) => ({
      ...e,
      sessionId: `${id}-${suffix}`,
      eventId: `${e.eventId}-${suffix}`,
    })),
    sentAt: new Map<number, number>(),
    guidance: [] as ReceivedGuidance[],
  }));
  const total = sessions.reduce((n, s) => n + s.events.length, 0);
  let sent = 0;
  let sending = true;
  let lastSentAt = Date.now();

  const listeners = sessions.map(async (s) => {
    const grace = options.graceMs ?? 3000;
    while (sending || Date.now() - lastSentAt < grace) {
      const batch = await client.guidance(s.sessionId, 1000);
      const now = Date.now();
      for (const g of batch) {
        const sentAt = s.sentAt.get(g.atSeq) ?? lastSentAt;
        s.guidance.push({ ...g, latencyMs: now - sentAt });
        await client.ack(g.interventionId);
      }
    }
  });

  const interval = options.rate > 0 ? 1000 / options.rate : 0;
  const queue = interleave(sessions.map((s) => s.events.map((e) => ({ s, e }))));
  try {
    if (interval === 0) {
      for (const s of sessions) {
        const at = Date.now();
        await client.record(s.events);
        for (const e of s.events) s.sentAt.set(e.seq, at);
        sent += s.events.length;
        lastSentAt = Date.now();
        options.progress?.(sent, total);
      }
    } else {
      const start = Date.now();
      for (const [i, { s, e }] of queue.entries()) {
        const due = start + i * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        s.sentAt.set(e.seq, Date.now());
        await client.record([e]);
        lastSentAt = Date.now();
        options.progress?.(++sent, total);
      }
    }
  } finally {
    sending = false;
  }
  await Promise.all(listeners);

  const latencies = sessions.flatMap((s) => s.guidance.map((g) => g.latencyMs));
  return {
    sessions: sessions.map((s) => ({
      sessionId: s.sessionId,
      events: s.events.length,
      guidance: s.guidance,
    })),
    latency: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      count: latencies.length,
    },
  };
}

/** Round-robin over the sessions, as concurrent agents would interleave their steps. */
function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]);
  }
  return out;
}

export function formatReplayReport(report: ReplayReport): string {
  const lines: string[] = [];
  for (const s of report.sessions) {
    lines.push(`session ${s.sessionId} (${s.events} events): ${s.guidance.length} guidance`);
    for (const g of s.guidance) {
      lines.push(
        `  [${g.severity}] ${g.subtype} at step ${g.atSeq}, ${g.latencyMs} ms after the step was sent`,
      );
      lines.push(`    ${g.text}`);
    }
  }
  const { p50, p95, p99, count } = report.latency;
  lines.push(
    count === 0
      ? 'no guidance received'
      : `event-to-guidance latency over ${count} guidance: p50 ${p50} ms, p95 ${p95} ms, p99 ${p99} ms`,
  );
  return lines.join('\n');
}
