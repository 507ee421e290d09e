import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { Pipeline } from './harness/pipeline.js';
import type { ServiceName } from './harness/service-process.js';
import {
  assertNothingLostOrDoubled,
  FAULT_TESTS_ENABLED,
  sleep,
  SteadyLoad,
} from './harness/steady-load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Opt-in (WINK_FAULT_TESTS=1): breaks things on purpose under a steady load and checks that
 * nothing accepted is lost or doubled. It restarts the local Kafka broker, so it must not run
 * beside another suite.
 */
describe(
  'faults under load (real Kafka, real Postgres)',
  { skip: !FAULT_TESTS_ENABLED && 'set WINK_FAULT_TESTS=1 to run' },
  () => {
    let db: DataSource;
    let admin: Admin;
    const pipeline = new Pipeline({ KAFKA_SESSION_TIMEOUT_MS: '6000' });
    let apiKey: string;
    let tenantId: string;
    let load: SteadyLoad;

    before(async () => {
      db = await prepareInfrastructure();
      admin = await connectAdmin();
      ({ apiKey, tenantId } = await newTenant(db));
      await pipeline.start();
      await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
      load = new SteadyLoad(pipeline.services.ingest.url, apiKey);
      load.start();
    });

    after(async () => {
      await load?.stop();
      await pipeline.stop();
      await admin?.disconnect();
      await db?.destroy();
    });

    it('kill -9 of each consumer service, ten times, restarting it each time', async () => {
      const victims: ServiceName[] = ['classifier', 'recorder', 'intervention'];
      for (let i = 0; i < 10; i++) {
        const service = pipeline.services[victims[i % victims.length]];
        await sleep(700);
        await service.kill();
        await sleep(300);
        await service.start();
      }
    });

    it('stops and restarts the Kafka broker', async () => {
      execFileSync('bash', [`${ROOT}infra/kafka/kafka.sh`, 'stop'], { stdio: 'ignore' });
      await sleep(2000);
      execFileSync('bash', [`${ROOT}infra/kafka/kafka.sh`, 'start'], { stdio: 'ignore' });
      await waitFor(
        async () => (await fetch(`${pipeline.services.ingest.url}/health`)).status === 200,
        60_000,
        'ingest to see Kafka again',
      );
    });

    it('loses nothing accepted and doubles nothing: events once, every expected verdict once, guidance once', async () => {
      await sleep(2000);
      await load.stop();
      await assertNothingLostOrDoubled(admin, db, tenantId, load.accepted);
    });
  },
);
