import type { TrajectoryEvent } from '@wink/contracts';

export interface SessionMeta {
  sessionId: string;
  agent: TrajectoryEvent['agent'];
  /** Time of the first event; later events are spaced a second apart unless the source has times. */
  startedAt?: Date;
}

type EventBody = Omit<TrajectoryEvent, 'eventId' | 'sessionId' | 'seq' | 'ts' | 'agent'>;

const MAX_TEXT = 60_000;
const clip = (text: string | undefined) =>
  text && text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;

/** Appends events with consecutive `seq` and stable ids, so an import is deterministic. */
export class EventWriter {
  readonly events: TrajectoryEvent[] = [];
  private readonly start: number;
  private callCount = 0;

  constructor(private readonly meta: SessionMeta) {
    this.start = (meta.startedAt ?? new Date(Date.UTC(2026, 0, 1))).getTime();
  }

  add(body: EventBody, at?: string | number | Date): TrajectoryEvent {
    const seq = this.events.length;
    const time =
      at !== undefined && !Number.isNaN(new Date(at).getTime())
        ? new Date(at)
        : new Date(this.start + seq * 1000);
    const event = {
      eventId: `${this.meta.sessionId}-${seq}`,
      sessionId: this.meta.sessionId,
      seq,
      ts: time.toISOString(),
      agent: this.meta.agent,
      ...body,
      ...(body.text !== undefined ? { text: clip(body.text) } : {}),
      ...(body.result
        ? {
            result: {
              ...body.result,
              output: clip(body.result.output),
              error: clip(body.result.error),
            },
          }
        : {}),
    } as TrajectoryEvent;
    if (event.result?.output === undefined && event.result) delete event.result.output;
    if (event.result?.error === undefined && event.result) delete event.result.error;
    this.events.push(event);
    return event;
  }

  /** A fresh call id for sources that do not give one. */
  nextCallId(): string {
    return `call-${++this.callCount}`;
  }
}

/** Text of a message content that may be a string or a list of blocks. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) =>
        typeof b === 'string'
          ? b
          : b && typeof b === 'object' && 'text' in b
            ? String((b as { text: unknown }).text)
            : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return '';
}

/** Arguments as an object when they are JSON; the raw string when they are not (a malformed call). */
export function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Whether a tool's reply reads as a failure, for formats that do not say. */
export function looksFailed(text: string): boolean {
  return (
    /^\s*(error\b|exception\b|traceback \(most recent call last\))/i.test(text) ||
    /^\s*\w*Error:/.test(text)
  );
}
