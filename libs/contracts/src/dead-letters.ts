import { z } from 'zod';

/** `GET /v1/dead-letters` query: newest first, optionally one source topic. */
export const DeadLetterListQuery = z.strictObject({
  topic: z.string().min(1).max(249).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DeadLetterListQuery = z.infer<typeof DeadLetterListQuery>;

export const DeadLetterIdParam = z.strictObject({ id: z.uuid() });

/** A dead letter as the recorder's endpoint lists it. */
export interface DeadLetterSummary {
  id: string;
  sourceTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  failure: 'envelope' | 'handler';
  error: string;
  attempts: number;
  service: string;
  consumerGroup: string;
  deadAt: string;
  replayedAt: string | null;
  replays: number;
}

/** One dead letter in full: the original message as text (when it is UTF-8) and as base64. */
export interface DeadLetterDetail extends DeadLetterSummary {
  valueText: string | null;
  valueBase64: string;
}
