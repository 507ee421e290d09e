#!/usr/bin/env node
// Creates every Wink topic that does not exist yet, under the run prefix (WINK_TOPIC_PREFIX, empty
// by default). KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_PARTITIONS (default 6),
// KAFKA_REPLICATION_FACTOR (default 1).
import { ALL_TOPICS } from '@wink/contracts';
import { createKafka, parseBrokers } from './kafka-client.js';
import { kafkaNaming, physicalTopic, type KafkaNaming } from './naming.js';

/** Creates the topics missing under the naming's prefix; returns their physical names. */
export async function createTopics(
  brokers: string[],
  partitions: number,
  replication: number,
  naming: KafkaNaming = kafkaNaming(),
) {
  const admin = createKafka({ brokers, clientId: 'wink-topics' }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.map((t) => physicalTopic(t, naming)).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: replication,
        })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes a run's topics and consumer groups: every topic under its topic prefix and every group
 * under its group prefix. Refuses an empty prefix, which would name the production topics.
 */
export async function removeRunTopics(brokers: string[], naming: KafkaNaming) {
  if (!naming.topicPrefix || !naming.groupPrefix)
    throw new Error('refusing to remove topics and groups without a run prefix');
  const admin = createKafka({ brokers, clientId: 'wink-topics' }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(naming.groupPrefix));
    // A group still with members cannot be deleted; its run is over, so it empties within a session.
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(naming.topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return { topics, groups };
  } finally {
    await admin.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092');
  const partitions = Number(process.env.KAFKA_PARTITIONS ?? 6);
  const replication = Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1);
  createTopics(brokers, partitions, replication)
    .then((created) =>
      console.error(
        `[topics] ${created.length ? `created ${created.join(', ')}` : 'all topics exist'} (${partitions} partitions)`,
      ),
    )
    .catch((error: unknown) => {
      console.error(`[topics] ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
