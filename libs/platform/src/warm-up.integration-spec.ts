import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TOPICS } from '@wink/contracts';
import { createKafka, createTopics, physicalTopic } from '@wink/kafka';
import { ensureDatabase, poolOf } from '@wink/persistence';
import { TEST_DATABASE_URL } from '@wink/persistence/testing/test-database.js';
import { DatabaseModule } from './database.module.js';
import { JsonLogger } from './json-logger.js';
import { KafkaModule } from './kafka.module.js';
import { warmUp } from './warm-up.js';

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const POOL_SIZE = 6;

describe('warmUp (real Postgres and Kafka)', () => {
  let app: INestApplicationContext;
  const admin = createKafka({ brokers: BROKERS, clientId: 'wink-tests-warm-up' }).admin();
  const log = new JsonLogger('warm-up-test', 'error');
  const endOffsets = async () =>
    (await admin.fetchTopicOffsets(physicalTopic(TOPICS.guidance))).map((p) => p.high);

  before(async () => {
    await ensureDatabase(TEST_DATABASE_URL);
    await createTopics(BROKERS, 1, 1);
    await admin.connect();
    app = await NestFactory.createApplicationContext(
      {
        module: class WarmUpTestModule {},
        imports: [
          DatabaseModule.forRoot(TEST_DATABASE_URL, POOL_SIZE),
          KafkaModule.forRoot(BROKERS, 'wink-tests-warm-up'),
        ],
      },
      { logger: false },
    );
  });

  after(async () => {
    await app?.close();
    await admin.disconnect();
  });

  it("opens a few connections of the pool, fetches the producer's topics without sending, runs the service's own", async () => {
    const offsets = await endOffsets();
    let ran = 0;
    await warmUp(app, { produces: [TOPICS.guidance], run: () => ran++ }, log, 'test');
    const pool = poolOf(app.get(DataSource));
    assert.equal(pool.totalCount, 4, "four of the pool's six");
    assert.deepEqual(await endOffsets(), offsets, 'nothing was produced');
    assert.equal(ran, 1);
  });

  it('resolves past a step that fails: the service starts colder, not never', async () => {
    let ran = 0;
    const failing = () => {
      ran++;
      throw new Error('synthetic input refused');
    };
    await warmUp(app, { run: failing }, log, 'test');
    assert.equal(ran, 1);
  });

  it('resolves past a step that never finishes', async () => {
    let ran = 0;
    const hanging = () => {
      ran++;
      return new Promise(() => undefined);
    };
    await warmUp(app, { run: hanging, stepTimeoutMs: 50 }, log, 'test');
    assert.equal(ran, 1);
  });
});
