import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Partitioners, type Admin, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import {
  CONSUMER_GROUPS,
  TOPICS,
  type DeadLetterDetail,
  type DeadLetterSummary,
  type EventRecordV1,
  type TrajectoryEvent,
} from '@wink/contracts';
import { createKafka, physicalTopic } from '@wink/kafka';
import {
  BROKERS,
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, postEvents, request } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const wink = (...args: string[]) =>
  spawnSync(process.execPath, [`${ROOT}tools/cli/bin/wink.js`, ...args], { encoding: 'utf8' });

/** An event the contract's types allow but Postgres cannot store, straight onto the topic. */
function poisonRecord(tenantId: string, sessionId: string, poison: 'seq' | 'nul'): EventRecordV1 {
  const event: TrajectoryEvent = {
    eventId: `poison-${poison}-${sessionId}`,
    sessionId,
    seq: poison === 'seq' ? 1e19 : 1,
    ts: new Date().toISOString(),
    agent: { name: 'poisoner' },
    kind: 'message',
    role: 'assistant',
    text: poison === 'nul' ? 'before\u0000after' : 'ordinary text',
  };
  return { v: 1, tenantId, receivedAt: Date.now(), event };
}

describe('poison isolation (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  let producer: Producer;
  const tenants: string[] = [];
  const pipeline = new Pipeline();

  /** Published as raw bytes, so no contract check of this process or of ingest stands in the way. */
  const publishRaw = (records: EventRecordV1[]) =>
    producer.send({
      topic: physicalTopic(TOPICS.events),
      messages: records.map((r) => ({ key: r.event.sessionId, value: JSON.stringify(r) })),
    });

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    producer = createKafka({ brokers: BROKERS, clientId: 'wink-tests-poison' }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  });

  after(async () => {
    await pipeline.stop();
    await producer?.disconnect();
    await admin?.disconnect();
    if (tenants.length > 0) {
      await db.query('DELETE FROM dead_letters WHERE tenant_id = ANY($1::uuid[])', [tenants]);
      await db.query('DELETE FROM tenants WHERE id = ANY($1::uuid[])', [tenants]);
    }
    await db?.destroy();
  });

  it('dead-letters events Postgres cannot hold and records every ordinary session on the same partitions', async () => {
    const { tenantId, apiKey } = await newTenant(db);
    tenants.push(tenantId);
    const run = randomUUID().slice(0, 8);
    // Six poison sessions spread over the partitions, then thirty ordinary ones behind them.
    const poison = Array.from({ length: 6 }, (_, i) =>
      poisonRecord(tenantId, `poison-${run}-${i}`, i % 2 === 0 ? 'seq' : 'nul'),
    );
    await publishRaw(poison);
    const ordinary = Array.from({ length: 30 }, (_, i) =>
      loadSample('clean-session', `${run}-${i}`),
    );
    for (const events of ordinary)
      assert.equal((await postEvents(pipeline.services.ingest.url, apiKey, events)).status, 202);

    const expected = ordinary.reduce((n, events) => n + events.length, 0);
    await waitFor(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND session_id NOT LIKE 'poison-%'`,
          [tenantId],
        );
        return n === expected;
      },
      45_000,
      `all ${expected} ordinary events recorded`,
    );
    const recorderUrl = pipeline.services.recorder.url;
    await waitFor(
      async () => {
        const listed = await request<DeadLetterSummary[]>(`${recorderUrl}/v1/dead-letters`, {
          apiKey,
        });
        return (
          listed.body.filter((d) => d.consumerGroup === CONSUMER_GROUPS.recorder).length ===
          poison.length
        );
      },
      30_000,
      'the recorder to dead-letter every poison event',
    );
    const [{ stored }] = await db.query(
      `SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1 AND session_id LIKE 'poison-%'`,
      [tenantId],
    );
    assert.equal(stored, 0);

    const listed = await request<DeadLetterSummary[]>(`${recorderUrl}/v1/dead-letters`, { apiKey });
    const recorder = listed.body.filter((d) => d.consumerGroup === CONSUMER_GROUPS.recorder);
    assert.ok(recorder.every((d) => d.sourceTopic === TOPICS.events && d.failure === 'handler'));
    assert.ok(recorder.every((d) => d.service === 'recorder' && d.attempts === 3));
    const errors = recorder.map((d) => d.error).join('\n');
    assert.match(errors, /out of range for type bigint/);
    assert.match(errors, /Unicode escape sequence/);

    const shown = await request<DeadLetterDetail>(
      `${recorderUrl}/v1/dead-letters/${recorder[0].id}`,
      {
        apiKey,
      },
    );
    assert.equal(shown.status, 200);
    assert.ok(poison.some((p) => shown.body.valueText?.includes(p.event.eventId)));
    assert.equal(shown.body.offset, recorder[0].offset);

    const other = await newTenant(db);
    tenants.push(other.tenantId);
    const hidden = await request(`${recorderUrl}/v1/dead-letters/${recorder[0].id}`, {
      apiKey: other.apiKey,
    });
    assert.equal(hidden.status, 404, "another tenant cannot see the tenant's dead letters");

    const metrics = await (await fetch(`${recorderUrl}/metrics`)).text();
    const counted = new RegExp(
      `wink_dead_letters_total\\{topic="${TOPICS.events.replace(/\./g, '\\.')}",failure="handler"\\} (\\d+)`,
    ).exec(metrics);
    assert.ok(counted && Number(counted[1]) >= poison.length, 'dead letters counted in metrics');
  });

  it('replays a dead letter with `wink dead-letters` once its cause is fixed', async () => {
    const { tenantId, apiKey } = await newTenant(db);
    tenants.push(tenantId);
    const record = poisonRecord(tenantId, `refused-${randomUUID().slice(0, 8)}`, 'nul');
    record.event.text = 'nothing wrong with this text';
    // The cause: a constraint that refuses this one event (a stand-in for a schema bug).
    const constraint = `wink_test_refuse_${randomUUID().replace(/-/g, '')}`;
    await db.query(
      `ALTER TABLE events ADD CONSTRAINT ${constraint} CHECK (event_id <> '${record.event.eventId}')`,
    );
    try {
      await publishRaw([record]);
      await waitFor(
        async () => {
          const rows = await db.query(
            `SELECT 1 FROM dead_letters WHERE tenant_id = $1 AND consumer_group = $2`,
            [tenantId, CONSUMER_GROUPS.recorder],
          );
          return rows.length === 1;
        },
        30_000,
        'the refused event dead-lettered',
      );
    } finally {
      await db.query(`ALTER TABLE events DROP CONSTRAINT IF EXISTS ${constraint}`);
    }

    const target = ['--key', apiKey, '--recorder-url', pipeline.services.recorder.url];
    const list = wink('dead-letters', 'list', ...target, '--json');
    assert.equal(list.status, 0, list.stderr);
    const letters = (JSON.parse(list.stdout) as DeadLetterSummary[]).filter(
      (d) => d.consumerGroup === CONSUMER_GROUPS.recorder,
    );
    assert.equal(letters.length, 1);
    const show = wink('dead-letters', 'show', letters[0].id, ...target);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`violates check constraint "${constraint}"`));
    assert.match(show.stdout, new RegExp(record.event.eventId));

    const replay = wink('dead-letters', 'replay', letters[0].id, ...target);
    assert.equal(replay.status, 0, replay.stderr);
    assert.match(replay.stdout, new RegExp(`replayed ${letters[0].id} to ${TOPICS.events}`));
    await waitFor(
      async () => {
        const rows = await db.query(`SELECT 1 FROM events WHERE tenant_id = $1 AND event_id = $2`, [
          tenantId,
          record.event.eventId,
        ]);
        return rows.length === 1;
      },
      30_000,
      'the replayed event recorded',
    );
    const again = wink('dead-letters', 'list', ...target);
    assert.match(again.stdout, /replayed 1×/);
  });
});
