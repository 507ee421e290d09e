import { z } from 'zod';

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

const MAX_TEXT = 65_536;

export const AgentInfo = z.strictObject({
  name: z.string().min(1).max(128),
  version: z.string().max(64).optional(),
  model: z.string().max(128).optional(),
});

export const ToolCall = z.strictObject({
  name: z.string().min(1).max(200),
  args: z.unknown().optional(),
  callId: z.string().min(1).max(128).optional(),
});

export const ToolResult = z.strictObject({
  callId: z.string().min(1).max(128).optional(),
  ok: z.boolean(),
  output: z.string().max(MAX_TEXT).optional(),
  error: z.string().max(MAX_TEXT).optional(),
  exitCode: z.number().int().optional(),
});

export const Usage = z.strictObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
});

/** One step of an agent's trajectory as an agent host reports it (contract v1). */
export const TrajectoryEvent = z
  .strictObject({
    eventId: id,
    sessionId: id,
    seq: z.number().int().nonnegative(),
    ts: z.iso.datetime({ offset: true }),
    agent: AgentInfo,
    kind: z.enum(EVENT_KINDS),
    role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
    text: z.string().max(MAX_TEXT).optional(),
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
