import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { observe, SessionWindow } from '@wink/detectors';
import { physicalGroup } from '@wink/kafka';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForDrained,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, pollGuidance, postEvents } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';
import {
  assertNothingLostOrDoubled,
  FAULT_TESTS_ENABLED,
  sleep,
  SteadyLoad,
} from './harness/steady-load.js';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 3100);
// Sessions long enough for a window rebuild to wait (at most half the classifier's) for the
// recorders, and for a recorder to stay in its group while it is frozen.
const SERVICE_ENV = {
  classifier: { KAFKA_SESSION_TIMEOUT_MS: '20000' },
  recorder: { KAFKA_SESSION_TIMEOUT_MS: '45000' },
};

/** `subtype@seq` of every finding the detectors give over the events, from an empty window. */
function findings(events: TrajectoryEvent[]): string[] {
  const window = new SessionWindow();
  return events.flatMap((e) => observe(window, e).map((f) => `${f.subtype}@${e.seq}`));
}

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
    const pipelines = [
      new Pipeline({}, PORT_BASE, SERVICE_ENV),
      new Pipeline({}, PORT_BASE + 5, SERVICE_ENV),
    ];
    const each = (
      service: 'classifier' | 'recorder',
      action: 'start' | 'stop' | 'pause' | 'resume',
    ) => Promise.all(pipelines.map((p) => p.services[service][action]()));
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

    it("rebuilds a taken-over session's window whole, waiting for the recorder to write its start", async () => {
      const events = loadSample('looping-session', randomUUID());
      const whole = findings(events);
      // A split where a window rebuilt from nothing would give other verdicts than the whole one.
      const split = events.findIndex(
        (_, i) =>
          i >= events.length / 3 &&
          findings(events.slice(i)).join() !==
            whole.filter((f) => Number(f.split('@')[1]) >= events[i].seq).join(),
      );
      assert.ok(split > 0, 'the sample has a loop spanning a split');
      const post = async (batch: TrajectoryEvent[]) =>
        assert.equal(
          (await postEvents(pipelines[0].services.ingest.url, apiKey, batch)).status,
          202,
        );

      // Recorders frozen: Postgres will lag Kafka by the session's start.
      await each('recorder', 'pause');
      await post(events.slice(0, split));
      await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events], 60_000);
      // The windows go with the classifiers; the new owner must wait for the recorders. (The
      // second classifier starts after: its join would wait for the first's waiting batch.)
      await each('classifier', 'stop');
      await post(events.slice(split));
      const [owner, other] = pipelines.map((p) => p.services.classifier);
      await owner.start();
      await sleep(1000);
      await each('recorder', 'resume');
      await other.start();
      await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events], 60_000);
      await waitForDrained(
        admin,
        CONSUMER_GROUPS.recorder,
        [TOPICS.events, TOPICS.verdicts],
        60_000,
      );

      const rows: Array<{ f: string }> = await db.query(
        `SELECT subtype || '@' || at_seq AS f FROM verdicts WHERE tenant_id = $1 AND session_id = $2 ORDER BY at_seq`,
        [tenantId, events[0].sessionId],
      );
      assert.deepEqual(
        rows.map((r) => r.f),
        whole,
      );
    });
  },
);
