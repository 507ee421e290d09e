import { ALL_TOPICS, type Topic } from '@wink/contracts';
import {
  createKafka,
  createTopics,
  kafkaNaming,
  physicalGroup,
  physicalTopic,
  removeRunTopics,
  type KafkaNaming,
} from '@wink/kafka';
import { issueApiKey, type IssuedKey } from '@wink/persistence';
import {
  openMigratedDatabase,
  TEST_DATABASE_URL,
} from '@wink/persistence/testing/test-database.js';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export { TEST_DATABASE_URL };
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const PARTITIONS = Number(process.env.KAFKA_PARTITIONS ?? 6);

// A test run never touches the production topic and group names, which a pipeline started by
// `npm run up` on the same broker uses: the test runner gives the run its prefix, and a file run
// on its own gets one of its own, which it removes when it ends. Services spawned by the tests
// inherit it through the environment.
const ownsRunPrefix = !process.env.WINK_TOPIC_PREFIX;
if (ownsRunPrefix) process.env.WINK_TOPIC_PREFIX = `wink-test-${randomUUID().slice(0, 8)}.`;
process.env.WINK_GROUP_PREFIX ||= process.env.WINK_TOPIC_PREFIX;

/** This run's topic and group prefixes. */
export const RUN_NAMING: KafkaNaming = kafkaNaming();

/** The test database's name with a suffix: a database of a suite's own, beside the shared one. */
export const siblingDatabaseUrl = (suffix: string, url = TEST_DATABASE_URL) =>
  url.replace(/\/([^/?]+)(\?|$)/, `/$1_${suffix}$2`);

/** Drops a database the suite made for itself (closing any connection left to it). */
export async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A second naming inside this run (removed with it), for a pipeline that must not see this one. */
export function nestedNaming(name: string): KafkaNaming {
  return {
    topicPrefix: `${RUN_NAMING.topicPrefix}${name}.`,
    groupPrefix: `${RUN_NAMING.groupPrefix}${name}.`,
  };
}

let removalScheduled = false;

/** The test database, migrated, and every topic, created: the real Postgres and broker. */
export async function prepareInfrastructure(url = TEST_DATABASE_URL): Promise<DataSource> {
  const db = await openMigratedDatabase(url, 4);
  await createRunTopics(RUN_NAMING);
  return db;
}

/** Creates the naming's topics; a process that made up its own prefix removes them on exit. */
export async function createRunTopics(naming: KafkaNaming): Promise<void> {
  await createTopics(BROKERS, PARTITIONS, 1, naming);
  if (ownsRunPrefix && !removalScheduled) {
    removalScheduled = true;
    process.once('beforeExit', () => void removeOwnRunTopics());
  }
}

/** Removes this process's topics and groups, when it made up its own prefix (else the runner does). */
export async function removeOwnRunTopics(): Promise<void> {
  if (ownsRunPrefix) await removeRunTopics(BROKERS, RUN_NAMING);
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
export async function topicSize(admin: Admin, topic: Topic, naming = RUN_NAMING): Promise<bigint> {
  const offsets = await admin.fetchTopicOffsets(physicalTopic(topic, naming));
  return offsets.reduce((sum, p) => sum + BigInt(p.high), 0n);
}

/** Resolves when the group has committed every message currently in the topics it reads. */
export async function waitForDrained(
  admin: Admin,
  groupId: string,
  topics: Topic[],
  timeoutMs = 20_000,
  naming = RUN_NAMING,
): Promise<void> {
  await waitFor(
    async () => {
      for (const topic of topics) {
        const name = physicalTopic(topic, naming);
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(name),
          admin.fetchOffsets({ groupId: physicalGroup(groupId, naming), topics: [name] }),
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
export async function waitForGroupsStable(
  admin: Admin,
  groupIds: string[],
  timeoutMs = 45_000,
  naming = RUN_NAMING,
) {
  await waitFor(
    async () => {
      const { groups } = await admin.describeGroups(groupIds.map((g) => physicalGroup(g, naming)));
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
