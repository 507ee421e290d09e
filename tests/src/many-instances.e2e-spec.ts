import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import { physicalGroup } from '@wink/kafka';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { pollGuidance } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';
import {
  assertNothingLostOrDoubled,
  FAULT_TESTS_ENABLED,
  sleep,
  SteadyLoad,
} from './harness/steady-load.js';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 3100);

/**
 * Opt-in with the fault suites (WINK_FAULT_TESTS=1; about two minutes on a loaded machine): two
 * instances of every service on one broker and one database, a mixed load of looping and clean
 * sessions each sent in three batches (so sessions span the faults), one classifier stopped
 * gracefully and the other killed with SIGKILL mid-stream.
 */
describe(
  'two instances of every service on one broker and Postgres (real Kafka, real Postgres)',
  { skip: !FAULT_TESTS_ENABLED && 'set WINK_FAULT_TESTS=1 to run' },
  () => {
    let db: DataSource;
    let admin: Admin;
    let apiKey: string;
    let tenantId: string;
    const pipelines = [new Pipeline(), new Pipeline({}, PORT_BASE + 5)];
    let looping: SteadyLoad;
    let clean: SteadyLoad;

    before(async () => {
      db = await prepareInfrastructure();
      admin = await connectAdmin();
      ({ apiKey, tenantId } = await newTenant(db));
      for (const pipeline of pipelines) await pipeline.start();
      await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS), 90_000);
      await waitFor(
        async () => {
          const { groups } = await admin.describeGroups(
            Object.values(CONSUMER_GROUPS).map((g) => physicalGroup(g)),
          );
          return groups.every((g) => g.state === 'Stable' && g.members.length === 2);
        },
        60_000,
        'two members in every consumer group',
      );
      looping = new SteadyLoad(pipelines[0].services.ingest.url, apiKey, 'looping-session', 3);
      clean = new SteadyLoad(pipelines[1].services.ingest.url, apiKey, 'clean-session', 3);
      looping.start();
      clean.start();
    });

    after(async () => {
      await looping?.stop();
      await clean?.stop();
      await Promise.all(pipelines.map((p) => p.stop()));
      await admin?.disconnect();
      await db?.destroy();
    });

    it('stops one classifier gracefully and kills the other mid-stream, each started again', async () => {
      const [first, second] = pipelines.map((p) => p.services.classifier);
      await sleep(2000);
      await first.stop();
      await sleep(2000);
      await first.start();
      await sleep(2000);
      await second.kill();
      await sleep(2000);
      await second.start();
      await sleep(1000);
      await Promise.all([looping.stop(), clean.stop()]);
      assert.ok(clean.accepted.length > 10, `clean load ran (${clean.accepted.length} sessions)`);
    });

    it('records every event once, every expected verdict once, and guides every looping session', async () => {
      await assertNothingLostOrDoubled(admin, db, tenantId, looping.accepted);
      const cleanEvents = clean.accepted.flat().map((e) => e.eventId);
      const [{ stored }] = await db.query(
        'SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1 AND event_id = ANY($2)',
        [tenantId, cleanEvents],
      );
      assert.equal(stored, cleanEvents.length, 'every clean event stored');
    });

    it('guides no clean session, and issues one guidance per verdict at most', async () => {
      const [{ guided }] = await db.query(
        'SELECT count(*)::int AS guided FROM guidance WHERE tenant_id = $1 AND session_id = ANY($2)',
        [tenantId, clean.accepted.map((s) => s[0].sessionId)],
      );
      assert.equal(guided, 0);
      const [{ doubled }] = await db.query(
        `SELECT count(*)::int AS doubled FROM (
           SELECT v FROM guidance, unnest(verdict_ids) v WHERE tenant_id = $1 GROUP BY v HAVING count(*) > 1) d`,
        [tenantId],
      );
      assert.equal(doubled, 0, 'no verdict answered twice');
    });

    it('delivers each guidance once across both intervention instances polled at once', async () => {
      const sessions = looping.accepted.map((s) => s[0].sessionId);
      const delivered: string[] = [];
      for (const sessionId of sessions) {
        const polls = await Promise.all(
          pipelines.map((p) => pollGuidance(p.services.intervention.url, apiKey, sessionId, 0)),
        );
        for (const poll of polls)
          delivered.push(...poll.body.guidance.map((g) => g.interventionId));
      }
      assert.equal(delivered.length, new Set(delivered).size, 'no guidance delivered twice');
      const [{ guidance }] = await db.query(
        `SELECT count(*)::int AS guidance FROM guidance WHERE tenant_id = $1 AND session_id = ANY($2)`,
        [tenantId, sessions],
      );
      assert.equal(delivered.length, guidance, 'every guidance delivered');
    });
  },
);
