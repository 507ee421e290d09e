import { ALL_TOPICS } from '@wink/contracts';
import { createKafka, createTopics } from '@wink/kafka';
import { createDataSource, ensureDatabase, issueApiKey, type IssuedKey } from '@wink/persistence';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wink_test';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** The test database, migrated, and every topic, created: the real Postgres and broker. */
export async function prepareInfrastructure(url = TEST_DATABASE_URL): Promise<DataSource> {
  await ensureDatabase(url);
  const db = await createDataSource(url, 4).initialize();
  await db.runMigrations({ transaction: 'each' });
  await createTopics(BROKERS, Number(process.env.KAFKA_PARTITIONS ?? 6), 1);
  return db;
}

export async function connectAdmin(): Promise<Admin> {
  const admin = createKafka({ brokers: BROKERS, clientId: 'wink-tests' }).admin();
  await admin.connect();
  return admin;
}

/** A fresh tenant per test, so tests sharing the database never see each other's rows. */
export function newTenant(db: DataSource): Promise<IssuedKey> {
  return issueApiKey(db, `test-${randomUUID()}`);
}

/** Sum of the topic's end offsets: how many messages it ever held. */
export async function topicSize(admin: Admin, topic: string): Promise<bigint> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
}

/** Resolves when the group has committed every message currently in the topics it reads. */
export async function waitForDrained(
  admin: Admin,
  groupId: string,
  topics: string[],
  timeoutMs = 20_000,
): Promise<void> {
  await waitFor(
    async () => {
      for (const topic of topics) {
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId, topics: [topic] }),
        ]);
        const done = new Map(committed[0].partitions.map((p) => [p.partition, BigInt(p.offset)]));
        for (const p of ends) {
          const high = BigInt(p.high);
          if (high > 0n && (done.get(p.partition) ?? -1n) < high) return false;
        }
      }
      return true;
    },
    timeoutMs,
    `${groupId} to drain ${topics.join(', ')}`,
  );
}

/** Resolves when every group has a member and has settled its partitions. */
export async function waitForGroupsStable(admin: Admin, groupIds: string[], timeoutMs = 45_000) {
  await waitFor(
    async () => {
      const { groups } = await admin.describeGroups(groupIds);
      return groups.every((g) => g.state === 'Stable' && g.members.length > 0);
    },
    timeoutMs,
    `consumer groups ${groupIds.join(', ')} to be stable`,
  );
}

export async function waitFor<T>(
  probe: () => Promise<T | false | null | undefined>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export { ALL_TOPICS };
