#!/usr/bin/env node
// Creates every Wink topic that does not exist yet. KAFKA_BROKERS (default 127.0.0.1:9092),
// KAFKA_PARTITIONS (default 6), KAFKA_REPLICATION_FACTOR (default 1).
import { ALL_TOPICS } from '@wink/contracts';
import { createKafka, parseBrokers } from './kafka-client.js';

export async function createTopics(brokers: string[], partitions: number, replication: number) {
  const admin = createKafka({ brokers, clientId: 'wink-topics' }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((t) => !existing.has(t));
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
