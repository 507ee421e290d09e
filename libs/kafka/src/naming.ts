import { ALL_TOPICS, type Topic } from '@wink/contracts';

/**
 * Physical Kafka names. Code speaks of logical topics (`TOPICS.events`) and groups
 * (`CONSUMER_GROUPS.recorder`); a run prefix from `WINK_TOPIC_PREFIX` / `WINK_GROUP_PREFIX`
 * (empty in production) maps them onto the broker, so a test run or benchmark on the same broker
 * as a running pipeline has topics and groups of its own and neither sees the other's messages.
 */
export interface KafkaNaming {
  topicPrefix: string;
  groupPrefix: string;
}

/** Characters Kafka allows in topic names (a group id may hold more; the same rule keeps it simple). */
export const KAFKA_NAME_PREFIX = /^[A-Za-z0-9._-]*$/;

export function kafkaNamingFrom(env: NodeJS.ProcessEnv): KafkaNaming {
  const read = (name: 'WINK_TOPIC_PREFIX' | 'WINK_GROUP_PREFIX') => {
    const value = env[name] ?? '';
    if (!KAFKA_NAME_PREFIX.test(value))
      throw new Error(`${name}: only letters, digits, '.', '_' and '-' are allowed`);
    return value;
  };
  return { topicPrefix: read('WINK_TOPIC_PREFIX'), groupPrefix: read('WINK_GROUP_PREFIX') };
}

/** The process's naming, read from its environment (validated at boot by the service config). */
export const kafkaNaming = (): KafkaNaming => kafkaNamingFrom(process.env);

export const physicalTopic = (topic: Topic, naming = kafkaNaming()): string =>
  naming.topicPrefix + topic;

export const physicalGroup = (groupId: string, naming = kafkaNaming()): string =>
  naming.groupPrefix + groupId;

/** The logical topic a physical name stands for; throws for a name outside this naming. */
export function logicalTopic(physical: string, naming = kafkaNaming()): Topic {
  const topic = physical.slice(naming.topicPrefix.length) as Topic;
  if (!physical.startsWith(naming.topicPrefix) || !ALL_TOPICS.includes(topic))
    throw new Error(`${physical} is not a Wink topic under prefix '${naming.topicPrefix}'`);
  return topic;
}
