import { z } from 'zod';
import { MAX_TEXT, unstorable, unstorableJson } from './storable.js';

export const EVENT_KINDS = [
  'task',
  'message',
  'tool_call',
  'tool_result',
  'usage',
  'guidance_ack',
  'human_intervention',
  'session_end',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const ENVIRONMENTS = ['production', 'staging', 'dev', 'unknown'] as const;

/** An event or session id: what a host may choose, and all a URL path segment needs. */
export const ClientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@/-]+$/, 'may contain only letters, digits and . _ : @ / -');
const id = ClientId;

/**
 * Largest `seq` (and any seq derived from it): the largest integer a JavaScript number holds
 * exactly, well within the Postgres `bigint` columns, so a microsecond timestamp fits.
 */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;
/** `ts` from the Unix epoch to the end of year 9999, which JavaScript and Postgres both hold. */
export const MIN_TS_MS = 0;
export const MAX_TS_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The widest UTC offset in use; Postgres refuses displacements much beyond it. */
const MAX_OFFSET_MINUTES = 14 * 60;

/** Whether an ISO date-time is within the range and offset that JavaScript and Postgres hold. */
export function storableTimestamp(ts: string): boolean {
  const ms = Date.parse(ts);
  if (!(ms >= MIN_TS_MS && ms <= MAX_TS_MS)) return false;
  const offset = /([+-])(\d\d):(\d\d)$/.exec(ts);
  return !offset || Number(offset[2]) * 60 + Number(offset[3]) <= MAX_OFFSET_MINUTES;
}

/** A string of bounded length that Postgres can store (no NUL, no lone surrogate). */
export const storableText = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .superRefine((s, ctx) => {
      const why = unstorable(s);
      if (why) ctx.addIssue({ code: 'custom', message: why });
    });

/** Any JSON value whose strings, keys and nesting the topic and Postgres can hold. */
const storableJson = z.unknown().superRefine((value, ctx) => {
  const problem = unstorableJson(value);
  if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});

export const AgentInfo = z.strictObject({
  name: storableText(128, 1),
  version: storableText(64).optional(),
  model: storableText(128).optional(),
});

export const ToolCall = z.strictObject({
  name: storableText(200, 1),
  args: storableJson.optional(),
  callId: storableText(128, 1).optional(),
});

export const ToolResult = z.strictObject({
  callId: storableText(128, 1).optional(),
  ok: z.boolean(),
  output: storableText(MAX_TEXT).optional(),
  error: storableText(MAX_TEXT).optional(),
  exitCode: z.number().int().optional(),
});

/** Per event; a session's sum goes into a Postgres `bigint`, which this keeps from overflowing. */
export const MAX_TOKENS = 2_147_483_647;

export const Usage = z.strictObject({
  inputTokens: z.number().int().nonnegative().max(MAX_TOKENS),
  outputTokens: z.number().int().nonnegative().max(MAX_TOKENS),
});

/** One step of an agent's trajectory as an agent host reports it (contract v1). */
export const TrajectoryEvent = z
  .strictObject({
    eventId: id,
    sessionId: id,
    seq: z.number().int().nonnegative().max(MAX_SEQ),
    ts: z.iso
      .datetime({ offset: true })
      .max(64)
      .refine(
        storableTimestamp,
        'must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, offset within ±14:00',
      ),
    agent: AgentInfo,
    kind: z.enum(EVENT_KINDS),
    role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
    text: storableText(MAX_TEXT).optional(),
    tool: ToolCall.optional(),
    result: ToolResult.optional(),
    usage: Usage.optional(),
    env: z.enum(ENVIRONMENTS).optional(),
  })
  .superRefine((event, ctx) => {
    const required: Partial<Record<EventKind, 'tool' | 'result' | 'usage' | 'text'>> = {
      tool_call: 'tool',
      tool_result: 'result',
      usage: 'usage',
      task: 'text',
    };
    const field = required[event.kind];
    if (field && event[field] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `is required when kind is ${event.kind}`,
      });
    }
  });
export type TrajectoryEvent = z.infer<typeof TrajectoryEvent>;

export const MAX_EVENTS_PER_BATCH = 1000;

/** Body of POST /v1/events. */
export const EventBatch = z.strictObject({
  events: z.array(TrajectoryEvent).min(1).max(MAX_EVENTS_PER_BATCH),
});
export type EventBatch = z.infer<typeof EventBatch>;
