import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ALL_TOPICS, CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { physicalGroup, physicalTopic, type KafkaNaming } from '@wink/kafka';
import type { IssuedKey } from '@wink/persistence';
import {
  connectAdmin,
  createRunTopics,
  nestedNaming,
  newTenant,
  prepareInfrastructure,
  RUN_NAMING,
  siblingDatabaseUrl,
  dropDatabase,
  topicSize,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample } from './harness/http.js';
import { Pipeline, recordSamples } from './harness/pipeline.js';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 3100);
const NEIGHBOUR_DATABASE_URL = siblingDatabaseUrl('neighbour');

interface Side {
  naming: KafkaNaming;
  pipeline: Pipeline;
  db: DataSource;
  tenant: IssuedKey;
  looping: TrajectoryEvent[];
  clean: TrajectoryEvent[];
}

const sessionsOf = (side: Side) => [side.looping[0].sessionId, side.clean[0].sessionId];

/**
 * Two whole pipelines on one broker, each with its own topic and group prefix and database: the
 * run's, and a neighbour's standing in for a developer's `npm run up`. Each records and guides
 * only its own sessions; no group of one ever reads a topic of the other.
 */
describe('two pipelines on one broker under different prefixes (real Kafka, real Postgres)', () => {
  let admin: Admin;
  let ours: Side;
  let neighbour: Side;

  async function side(naming: KafkaNaming, db: DataSource, pipeline: Pipeline): Promise<Side> {
    const run = randomUUID();
    return {
      naming,
      pipeline,
      db,
      tenant: await newTenant(db),
      looping: loadSample('looping-session', run),
      clean: loadSample('clean-session', run),
    };
  }

  before(async () => {
    const ourDb = await prepareInfrastructure();
    const neighbourDb = await prepareInfrastructure(NEIGHBOUR_DATABASE_URL);
    const neighbourNaming = nestedNaming('neighbour');
    await createRunTopics(neighbourNaming);
    admin = await connectAdmin();
    ours = await side(RUN_NAMING, ourDb, new Pipeline());
    neighbour = await side(
      neighbourNaming,
      neighbourDb,
      new Pipeline(
        {
          DATABASE_URL: NEIGHBOUR_DATABASE_URL,
          WINK_TOPIC_PREFIX: neighbourNaming.topicPrefix,
          WINK_GROUP_PREFIX: neighbourNaming.groupPrefix,
        },
        PORT_BASE + 5,
      ),
    );
    await Promise.all([ours.pipeline.start(), neighbour.pipeline.start()]);
    for (const { naming } of [ours, neighbour])
      await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS), 45_000, naming);
    await Promise.all(
      [ours, neighbour].map((s) => recordSamples(s.pipeline, s.db, s.tenant, s.looping, s.clean)),
    );
  });

  after(async () => {
    await Promise.all([ours?.pipeline.stop(), neighbour?.pipeline.stop()]);
    await admin?.disconnect();
    await ours?.db.destroy();
    await neighbour?.db.destroy();
    await dropDatabase(NEIGHBOUR_DATABASE_URL);
  });

  it("records and guides each pipeline's sessions in its own database only", async () => {
    for (const [mine, other] of [
      [ours, neighbour],
      [neighbour, ours],
    ]) {
      const rows: Array<{ session_id: string; guided: boolean }> = await mine.db.query(
        `SELECT s.session_id, EXISTS (SELECT 1 FROM guidance g WHERE g.session_id = s.session_id) AS guided
           FROM sessions s WHERE s.session_id = ANY($1)`,
        [[...sessionsOf(mine), ...sessionsOf(other)]],
      );
      assert.deepEqual(
        new Map(rows.map((r) => [r.session_id, r.guided])),
        new Map([
          [mine.looping[0].sessionId, true],
          [mine.clean[0].sessionId, false],
        ]),
      );
    }
  });

  it("keeps the neighbour's topics holding exactly the neighbour's messages", async () => {
    assert.equal(
      await topicSize(admin, TOPICS.events, neighbour.naming),
      BigInt(neighbour.looping.length + neighbour.clean.length),
    );
    const [{ verdicts }] = await neighbour.db.query(
      'SELECT count(*)::int AS verdicts FROM verdicts WHERE tenant_id = $1',
      [neighbour.tenant.tenantId],
    );
    assert.equal(await topicSize(admin, TOPICS.verdicts, neighbour.naming), BigInt(verdicts));
  });

  it("never commits an offset of one pipeline's group on the other's topics", async () => {
    for (const [mine, other] of [
      [ours, neighbour],
      [neighbour, ours],
    ]) {
      for (const group of Object.values(CONSUMER_GROUPS)) {
        const groupId = physicalGroup(group, mine.naming);
        const own = await admin.fetchOffsets({
          groupId,
          topics: ALL_TOPICS.map((t) => physicalTopic(t, mine.naming)),
        });
        assert.ok(
          own.some((t) => t.partitions.some((p) => p.offset !== '-1')),
          `${groupId} consumed its own topics`,
        );
        const foreign = await admin.fetchOffsets({
          groupId,
          topics: ALL_TOPICS.map((t) => physicalTopic(t, other.naming)),
        });
        for (const topic of foreign)
          assert.ok(
            topic.partitions.every((p) => p.offset === '-1'),
            `${groupId} has offsets on ${topic.topic}`,
          );
      }
    }
  });
});
