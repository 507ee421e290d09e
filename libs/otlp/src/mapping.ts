import { clip as clipUnits, type EventKind, type TrajectoryEvent } from '@wink/contracts';
import { str, type Attrs } from './attributes.js';

/** What a request's spans or log records became. */
export interface OtlpMapping {
  /** Events in publishing order (by time), each with the index of the item it came from. */
  events: Array<{ event: TrajectoryEvent; item: number }>;
  /** How many spans or log records the request held. */
  items: number;
  /** Items that are agent telemetry but could not be read, by index, with why. */
  rejected: Map<number, string>;
  /** Items that are not agent telemetry (an HTTP span, an unrelated log line): accepted, unused. */
  ignored: number;
  /** Advice for the sender (e.g. message content not captured), without rejecting anything. */
  notes: Set<string>;
}

export type EventBody = Omit<TrajectoryEvent, 'eventId' | 'sessionId' | 'seq' | 'ts' | 'agent'>;

/**
 * `seq` from a timestamp: microseconds since 2020-01-01 UTC, times four, plus a slot for the
 * step's kind (see SLOTS). Steps a microsecond apart keep their order; steps of one instant (a
 * chat span's end and the tool span starting with it, a zero-length tool span) keep the order
 * byTime gives them; a re-sent export gets the same seqs. Every time before LATEST_NANOS stays
 * within Number.MAX_SAFE_INTEGER (MAX_SEQ); times before 2020 share seq 0 plus their slot.
 */
export function seqFromNanos(nanos: bigint, kind: EventKind): number {
  const micros = nanos / 1_000n - SEQ_EPOCH_MICROS;
  return Number((micros > 0n ? micros : 0n) * 4n) + (SLOTS[kind] ?? 0);
}
const SEQ_EPOCH_MICROS = BigInt(Date.UTC(2020, 0, 1)) * 1_000n;
/** Within one instant: the task or an answer, then usage, then a tool call, then its result. */
const SLOTS: Partial<Record<EventKind, number>> = {
  task: 0,
  message: 0,
  usage: 1,
  tool_call: 2,
  tool_result: 3,
};
/** Times from 2090 on are refused: far beyond any clock, and 4 × microseconds would pass MAX_SEQ. */
export const LATEST_NANOS = BigInt(Date.UTC(2090, 0, 1)) * 1_000_000n;

export const isoFromNanos = (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString();

const MAX_TEXT = 60_000;
export function clip(text: string | undefined, max = MAX_TEXT): string | undefined {
  return text === undefined ? text : clipUnits(text, max);
}

/** A session id within the contract's alphabet and length, from whatever the sender used. */
export function clientId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._:@/-]/g, '_').slice(0, 128);
}

const ENVIRONMENTS: Record<string, TrajectoryEvent['env']> = {
  production: 'production',
  prod: 'production',
  staging: 'staging',
  stage: 'staging',
  dev: 'dev',
  development: 'dev',
  local: 'dev',
};

/** The resource's `deployment.environment.name` (or the older `deployment.environment`). */
export function environmentOf(resource: Attrs): TrajectoryEvent['env'] | undefined {
  const raw =
    str(resource, 'deployment.environment.name') ?? str(resource, 'deployment.environment');
  return raw ? ENVIRONMENTS[raw.toLowerCase()] : undefined;
}

export function agentInfo(
  name: string,
  version: string | undefined,
  model: string | undefined,
): TrajectoryEvent['agent'] {
  return {
    name: clip(name, 128)!,
    ...(version ? { version: clip(version, 64) } : {}),
    ...(model ? { model: clip(model, 128) } : {}),
  };
}

/** Builds one event; undefined text/output/error are left out so the event stays minimal. */
export function makeEvent(
  ids: { eventId: string; sessionId: string; seq: number; nanos: bigint },
  agent: TrajectoryEvent['agent'],
  env: TrajectoryEvent['env'] | undefined,
  body: EventBody,
): TrajectoryEvent {
  const event: TrajectoryEvent = {
    eventId: ids.eventId,
    sessionId: ids.sessionId,
    seq: ids.seq,
    ts: isoFromNanos(ids.nanos),
    agent,
    ...(env ? { env } : {}),
    ...body,
  };
  if (event.text !== undefined) event.text = clip(event.text);
  if (event.result) {
    const { output, error, ...rest } = event.result;
    event.result = {
      ...rest,
      ...(output !== undefined ? { output: clip(output) } : {}),
      ...(error !== undefined ? { error: clip(error) } : {}),
    };
  }
  return event;
}

/** Sorts by time, then by the order the steps happen within one span (call before result). */
export function byTime<T extends { nanos: bigint; rank: number }>(a: T, b: T): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : a.rank - b.rank;
}

/** Text of a GenAI message: its text parts (current conventions) or its `content` (older ones). */
export function messageText(message: unknown): string {
  if (typeof message === 'string') return message;
  if (!message || typeof message !== 'object') return '';
  const m = message as { parts?: unknown; content?: unknown };
  if (Array.isArray(m.parts)) {
    return m.parts
      .filter(
        (p): p is { type: string; content: unknown } =>
          !!p && typeof p === 'object' && (p as { type?: unknown }).type === 'text',
      )
      .map((p) => (typeof p.content === 'string' ? p.content : ''))
      .filter(Boolean)
      .join('\n');
  }
  if (typeof m.content === 'string') return m.content;
  if (Array.isArray(m.content)) {
    return m.content
      .map((c) =>
        typeof c === 'string'
          ? c
          : c && typeof c === 'object'
            ? String((c as { text?: unknown }).text ?? '')
            : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return '';
}
