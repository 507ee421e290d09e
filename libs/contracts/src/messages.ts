import { z } from 'zod';
import { SEVERITIES, SUBTYPES, CATEGORIES, type Severity } from './taxonomy.js';
import { MAX_SEQ, TrajectoryEvent } from './trajectory-event.js';

const uuid = z.uuid();
const epochMs = z.number().int().nonnegative();
const seq = z.number().int().nonnegative().max(MAX_SEQ);

/** An accepted TrajectoryEvent as it travels on the events topic: the tenant comes from the API key. */
export const EventRecordV1 = z.strictObject({
  v: z.literal(1),
  tenantId: uuid,
  receivedAt: epochMs,
  event: TrajectoryEvent,
});
export type EventRecordV1 = z.infer<typeof EventRecordV1>;

export const Evidence = z.strictObject({
  fromSeq: seq,
  toSeq: seq,
  reason: z.string().min(1).max(500),
});
export type Evidence = z.infer<typeof Evidence>;

/** A detector's finding about one session. `signature` identifies the same misbehaviour when it recurs. */
export const VerdictV1 = z.strictObject({
  v: z.literal(1),
  verdictId: uuid,
  tenantId: uuid,
  sessionId: z.string().min(1).max(128),
  category: z.enum(CATEGORIES),
  subtype: z.enum(SUBTYPES),
  confidence: z.number().min(0).max(1),
  signature: z.string().min(1).max(200),
  evidence: Evidence,
  detector: z.string().min(1).max(100),
  atSeq: seq,
  env: z.string().max(32).optional(),
  createdAt: epochMs,
  /** When ingest accepted the event that triggered this verdict, for event-to-guidance latency. */
  sourceReceivedAt: epochMs,
});
export type VerdictV1 = z.infer<typeof VerdictV1>;

export const GuidanceV1 = z.strictObject({
  v: z.literal(1),
  interventionId: uuid,
  tenantId: uuid,
  sessionId: z.string().min(1).max(128),
  verdictIds: z.array(uuid).min(1),
  category: z.enum(CATEGORIES),
  subtype: z.enum(SUBTYPES),
  signature: z.string().min(1).max(200),
  severity: z.enum(SEVERITIES),
  text: z.string().min(1).max(2000),
  cohort: z.string().min(1).max(32),
  atSeq: seq,
  createdAt: epochMs,
  sourceReceivedAt: epochMs,
});
export type GuidanceV1 = z.infer<typeof GuidanceV1>;

/** What a consumer could not use, with the original bytes and why. */
export const DeadLetterV1 = z.strictObject({
  v: z.literal(1),
  sourceTopic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  valueBase64: z.string(),
  reason: z.string(),
  consumerGroup: z.string(),
  at: epochMs,
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;

/**
 * A message a consumer set aside so its partition could move on: it broke the topic's envelope, or
 * its handling failed the same non-transient way after bounded retries. One such topic per source
 * topic; `valueBase64` is the original bytes, so a replay after a fix sends exactly them again.
 */
export const PoisonMessageV1 = z.strictObject({
  v: z.literal(1),
  sourceTopic: z.string().min(1).max(249),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
  key: z.string().nullable(),
  valueBase64: z.string(),
  /** `envelope`: the bytes are not a message of the topic; `handler`: handling them kept failing. */
  failure: z.enum(['envelope', 'handler']),
  error: z.string().min(1).max(2000),
  attempts: z.number().int().positive(),
  service: z.string().min(1).max(64),
  consumerGroup: z.string().min(1).max(255),
  at: epochMs,
});
export type PoisonMessageV1 = z.infer<typeof PoisonMessageV1>;

/** Guidance as the HTTP channels hand it to an agent host (long-poll, SSE, webhook body). */
export interface DeliveredGuidance {
  interventionId: string;
  sessionId: string;
  severity: Severity;
  category: string;
  subtype: string;
  text: string;
  atSeq: number;
  verdictIds: string[];
  createdAt: string;
  sourceReceivedAt: string;
}
