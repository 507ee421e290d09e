import type { z } from 'zod';
import { DeadLetterV1, EventRecordV1, GuidanceV1, PoisonMessageV1, VerdictV1 } from './messages.js';

/** Topic names are never renamed: a new contract version gets a new `.vN` topic. */
export const TOPICS = {
  events: 'wink.trajectory.events.v1',
  verdicts: 'wink.misbehavior.verdicts.v1',
  guidance: 'wink.agent.guidance.v1',
  deadLetter: 'wink.dead-letter.v1',
  eventsDeadLetter: 'wink.trajectory.events.v1.dead-letter',
  verdictsDeadLetter: 'wink.misbehavior.verdicts.v1.dead-letter',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const TOPIC_SCHEMAS = {
  [TOPICS.events]: EventRecordV1,
  [TOPICS.verdicts]: VerdictV1,
  [TOPICS.guidance]: GuidanceV1,
  [TOPICS.deadLetter]: DeadLetterV1,
  [TOPICS.eventsDeadLetter]: PoisonMessageV1,
  [TOPICS.verdictsDeadLetter]: PoisonMessageV1,
} as const satisfies Record<Topic, z.ZodType>;

/** The payload type each topic carries, so a producer cannot send the wrong message. */
export type PayloadOf<T extends Topic> = z.infer<(typeof TOPIC_SCHEMAS)[T]>;

export const ALL_TOPICS: Topic[] = Object.values(TOPICS);

/** Where each consumed topic's poison messages go. */
export const DEAD_LETTER_TOPICS = {
  [TOPICS.events]: TOPICS.eventsDeadLetter,
  [TOPICS.verdicts]: TOPICS.verdictsDeadLetter,
} as const satisfies Partial<Record<Topic, Topic>>;

export type PoisonTopic = (typeof DEAD_LETTER_TOPICS)[keyof typeof DEAD_LETTER_TOPICS];
export const POISON_TOPICS: PoisonTopic[] = Object.values(DEAD_LETTER_TOPICS);

export function deadLetterTopicOf(topic: Topic): PoisonTopic | null {
  return (DEAD_LETTER_TOPICS as Partial<Record<Topic, PoisonTopic>>)[topic] ?? null;
}

/** One consumer group per consuming service; scaling a service adds members to its group. */
export const CONSUMER_GROUPS = {
  classifier: 'wink-classifier',
  intervention: 'wink-intervention',
  recorder: 'wink-recorder',
} as const;
