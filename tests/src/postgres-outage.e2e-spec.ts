import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import { createDataSource } from '@wink/persistence';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { request } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';
import { PrivatePostgres } from './harness/private-postgres.js';
import {
  assertNothingLostOrDoubled,
  FAULT_TESTS_ENABLED,
  sleep,
  SteadyLoad,
} from './harness/steady-load.js';

/**
 * Opt-in (WINK_FAULT_TESTS=1): Postgres crashes under load and comes back. The pipeline runs on a
 * PostgreSQL cluster of the test's own, so the machine's server is never stopped.
 */
describe(
  'Postgres down and back under load (real Kafka, a Postgres of its own)',
  { skip: !FAULT_TESTS_ENABLED && 'set WINK_FAULT_TESTS=1 to run' },
  () => {
    let pg: PrivatePostgres;
    let db: DataSource;
    let admin: Admin;
    let pipeline: Pipeline;
    let load: SteadyLoad;
    let tenantId: string;

    before(async () => {
      pg = new PrivatePostgres();
      pg.start();
      db = await prepareInfrastructure(pg.url);
      admin = await connectAdmin();
      const tenant = await newTenant(db);
      tenantId = tenant.tenantId;
      pipeline = new Pipeline({
        DATABASE_URL: pg.url,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        LOG_LEVEL: 'info',
      });
      await pipeline.start();
      await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
      load = new SteadyLoad(pipeline.services.ingest.url, tenant.apiKey);
      load.start();
      await waitFor(async () => load.accepted.length >= 10, 30_000, 'the load to be accepted');
    });

    after(async () => {
      await load?.stop();
      await pipeline?.stop();
      await admin?.disconnect();
      if (db?.isInitialized) await db.destroy().catch(() => undefined);
      pg?.destroy();
    });

    it('keeps accepting while Postgres is down, says degraded, and drains the backlog once it is back', async (t) => {
      await db.destroy();
      pg.stop('immediate');
      const acceptedAtCrash = load.accepted.length;
      await sleep(8000);
      assert.ok(
        load.accepted.length >= acceptedAtCrash + 10,
        `ingest kept accepting into Kafka (${load.accepted.length - acceptedAtCrash} sessions while down)`,
      );
      const unseen = await request(`${pipeline.services.ingest.url}/v1/events`, {
        apiKey: 'wink_never-seen-before',
        body: { events: [] },
      });
      assert.equal(unseen.status, 503, 'a key that cannot be checked is a 503, not a 500');
      for (const service of Object.values(pipeline.services)) {
        const health = await request<{ status: string; checks: Record<string, string> }>(
          `${service.url}/health`,
        );
        assert.equal(health.status, 503, `${service.name} is not ready without Postgres`);
        assert.equal(health.body.status, 'degraded');
        assert.equal(health.body.checks.postgres, 'down');
        assert.equal(
          (await request(`${service.url}/health/live`)).status,
          200,
          `${service.name} is alive`,
        );
      }

      pg.start();
      db = await createDataSource(pg.url, 4).initialize();
      await waitFor(
        async () => {
          const all = await Promise.all(
            Object.values(pipeline.services).map((s) => fetch(`${s.url}/health`)),
          );
          return all.every((r) => r.status === 200);
        },
        60_000,
        'every service to see Postgres again',
      );
      await sleep(3000);
      await load.stop();
      try {
        await assertNothingLostOrDoubled(admin, db, tenantId, load.accepted);
        for (const name of ['classifier', 'recorder', 'intervention'] as const) {
          const scraped = await (await fetch(`${pipeline.services[name].url}/metrics`)).text();
          const restarts = /^wink_consumer_restarts_total (\d+)/m.exec(scraped)?.[1];
          t.diagnostic(`${name}: consumer rejoined after a crash ${restarts} time(s)`);
        }
      } catch (error) {
        for (const service of Object.values(pipeline.services))
          console.error(`--- ${service.name}\n${service.output.join('').slice(-3000)}`);
        throw error;
      }
    });
  },
);
