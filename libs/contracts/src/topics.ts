import type { z } from 'zod';
import { DeadLetterV1, EventRecordV1, GuidanceV1, VerdictV1 } from './messages.js';

/** Topic names are never renamed: a new contract version gets a new `.vN` topic. */
export const TOPICS = {
  events: 'wink.trajectory.events.v1',
  verdicts: 'wink.misbehavior.verdicts.v1',
  guidance: 'wink.agent.guidance.v1',
  deadLetter: 'wink.dead-letter.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const TOPIC_SCHEMAS = {
  [TOPICS.events]: EventRecordV1,
  [TOPICS.verdicts]: VerdictV1,
  [TOPICS.guidance]: GuidanceV1,
  [TOPICS.deadLetter]: DeadLetterV1,
} as const satisfies Record<Topic, z.ZodType>;

/** The payload type each topic carries, so a producer cannot send the wrong message. */
export type PayloadOf<T extends Topic> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;

export const ALL_TOPICS: Topic[] = Object.values(TOPICS);

/** One consumer group per consuming service; scaling a service adds members to its group. */
export const CONSUMER_GROUPS = {
  classifier: 'wink-classifier',
  intervention: 'wink-intervention',
  recorder: 'wink-recorder',
} as const;
