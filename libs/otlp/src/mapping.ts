import { clip as clipUnits, type TrajectoryEvent } from '@wink/contracts';
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
 * `seq` from a timestamp: whole seconds since 2025-01-01 UTC, so it fits the int columns for
 * decades and grows with time across exports that arrive separately. Steps within one second
 * share a number; their order is the order they are published in.
 */
const SEQ_EPOCH_SECONDS = 1_735_689_600n;
/** Times from 2090 on would make a `seq` over the int columns' range. */
export const LATEST_NANOS = BigInt(Date.UTC(2090, 0, 1)) * 1_000_000n;
export function seqFromNanos(nanos: bigint): number {
  const seconds = nanos / 1_000_000_000n - SEQ_EPOCH_SECONDS;
  return seconds > 0n ? Number(seconds) : 0;
}

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
