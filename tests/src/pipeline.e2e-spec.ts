import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { WinkClient } from '@wink/client';
import { fileURLToPath } from 'node:url';
import { Partitioners, type Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS, decodeMessage, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { createKafka, physicalTopic } from '@wink/kafka';
import { observe, SessionWindow } from '@wink/detectors';
import {
  BROKERS,
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  topicSize,
  waitFor,
  waitForDrained,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, pollGuidance, postEvents, request } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';

const ALL_GROUPS = Object.values(CONSUMER_GROUPS);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('pipeline end to end (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  let apiKey: string;
  let tenantId: string;
  const pipeline = new Pipeline();
  const ingest = () => pipeline.services.ingest.url;
  const intervention = () => pipeline.services.intervention.url;

  /** Waits until every consumer has processed everything on its topics. */
  async function settle(): Promise<void> {
    await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events]);
    await waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events, TOPICS.verdicts]);
    await waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts]);
  }

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    ({ apiKey, tenantId } = await newTenant(db));
    await pipeline.start();
    await waitForGroupsStable(admin, ALL_GROUPS);
  });

  after(async () => {
    await pipeline.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it('reports every service healthy', async () => {
    for (const service of Object.values(pipeline.services)) {
      const health = await request(`${service.url}/health`);
      assert.equal(health.status, 200, service.name);
      assert.equal(health.body.status, 'ok');
      // The api service reads Postgres only.
      assert.deepEqual(
        {
          postgres: 'up',
          ...(service.name === 'api' ? {} : { kafka: 'up' }),
          ...(service.name === 'classifier' ? { judge: 'up' } : {}),
        },
        health.body.checks,
      );
    }
  });

  it('gives the looping session guidance of the right subtype, with step evidence, within 5 s', async () => {
    const events = loadSample('looping-session', randomUUID());
    const sessionId = events[0].sessionId;
    const started = Date.now();
    const posted = await postEvents(ingest(), apiKey, events);
    assert.equal(posted.status, 202);
    assert.deepEqual(posted.body, { accepted: events.length });

    const seen: string[] = [];
    let loopGuidance: { text: string; severity: string; interventionId: string } | undefined;
    while (!loopGuidance && Date.now() - started < 5000) {
      const res = await pollGuidance(
        intervention(),
        apiKey,
        sessionId,
        5000 - (Date.now() - started),
      );
      assert.equal(res.status, 200);
      for (const g of res.body.guidance) seen.push(g.subtype);
      loopGuidance = res.body.guidance.find((g) => g.subtype === 'repetitive_loop');
    }
    assert.ok(
      loopGuidance,
      `no repetitive_loop guidance within 5 s (saw ${seen.join(', ') || 'none'})`,
    );
    assert.ok(Date.now() - started < 5000);
    assert.match(loopGuidance.text, /steps 6–12/);
    assert.match(loopGuidance.text, /python -m pytest tests\/test_core\.py -q/);
    assert.equal(loopGuidance.severity, 'nudge');

    const ack = await request(`${intervention()}/v1/guidance/${loopGuidance.interventionId}/ack`, {
      method: 'POST',
      apiKey,
    });
    assert.equal(ack.status, 200);
    const [row] = await db.query(
      'SELECT acked_at, delivered_at FROM guidance WHERE intervention_id = $1',
      [loopGuidance.interventionId],
    );
    assert.ok(row.acked_at && row.delivered_at);
  });

  it('gives the clean session no verdict and no guidance', async () => {
    const events = loadSample('clean-session', randomUUID());
    const sessionId = events[0].sessionId;
    assert.equal((await postEvents(ingest(), apiKey, events)).status, 202);
    await settle();
    const res = await pollGuidance(intervention(), apiKey, sessionId, 0);
    assert.deepEqual(res.body, { guidance: [] });
    const [{ n }] = await db.query(
      'SELECT count(*)::int AS n FROM verdicts WHERE tenant_id = $1 AND session_id = $2',
      [tenantId, sessionId],
    );
    assert.equal(n, 0);
    const [session] = await db.query(
      'SELECT event_count FROM sessions WHERE tenant_id = $1 AND session_id = $2',
      [tenantId, sessionId],
    );
    assert.equal(session.event_count, events.length);
  });

  it('rejects an invalid batch with 400 naming the field, and nothing of it reaches Kafka or Postgres', async () => {
    const events: unknown[] = loadSample('looping-session', randomUUID()).slice(0, 5);
    const sessionId = (events[0] as TrajectoryEvent).sessionId;
    events.push({
      ...(events[4] as object),
      eventId: 'bad-one',
      seq: 5,
      kind: 'tool_call',
      tool: { name: '' },
    });
    const before = await topicSize(admin, TOPICS.events);
    const res = await postEvents(ingest(), apiKey, events);
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'events[5].tool.name');
    await settle();
    assert.equal(await topicSize(admin, TOPICS.events), before);
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM events WHERE session_id = $1', [
      sessionId,
    ]);
    assert.equal(n, 0);
  });

  it('refuses a missing or unknown API key with 401', async () => {
    const events = loadSample('clean-session', randomUUID()).slice(0, 1);
    assert.equal((await postEvents(ingest(), '', events)).status, 401);
    assert.equal((await postEvents(ingest(), 'wink_not-a-key', events)).status, 401);
    const poll = await pollGuidance(intervention(), 'wink_not-a-key', events[0].sessionId, 0);
    assert.equal(poll.status, 401);
  });

  it('stores events, verdicts and guidance exactly once, even when the host retries a batch', async () => {
    const events = loadSample('looping-session', randomUUID());
    const sessionId = events[0].sessionId;
    assert.equal((await postEvents(ingest(), apiKey, events)).status, 202);
    assert.equal((await postEvents(ingest(), apiKey, events)).status, 202);
    await settle();
    const count = async (table: string) =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND session_id = $2`,
          [tenantId, sessionId],
        )
      )[0].n;
    assert.equal(await count('events'), events.length);
    assert.equal(await count('verdicts'), 2);
    assert.equal(await count('guidance'), 2);
    const [session] = await db.query(
      'SELECT event_count FROM sessions WHERE tenant_id = $1 AND session_id = $2',
      [tenantId, sessionId],
    );
    assert.equal(session.event_count, events.length);
  });

  it('gives no second guidance for the same misbehaviour within the cooldown', async () => {
    const events = loadSample('looping-session', randomUUID());
    const [call, result] = events.slice(-2);
    for (let i = 1; i <= 3; i++) {
      const seq = events.length;
      const callId = `again-${i}`;
      events.push(
        { ...call, eventId: `${call.eventId}-again-${i}`, seq, tool: { ...call.tool!, callId } },
        {
          ...result,
          eventId: `${result.eventId}-again-${i}`,
          seq: seq + 1,
          result: { ...result.result!, callId },
        },
      );
    }
    const sessionId = events[0].sessionId;
    assert.equal((await postEvents(ingest(), apiKey, events)).status, 202);
    await settle();
    const verdicts: Array<{ at_seq: number }> = await db.query(
      `SELECT at_seq::int AS at_seq FROM verdicts WHERE tenant_id = $1 AND session_id = $2 AND subtype = 'repetitive_loop' ORDER BY at_seq`,
      [tenantId, sessionId],
    );
    assert.deepEqual(
      verdicts.map((v) => v.at_seq),
      [12, 19],
      'the loop is reported again after three more failing runs',
    );
    const guidance = await db.query(
      `SELECT at_seq::int AS at_seq FROM guidance WHERE tenant_id = $1 AND session_id = $2 AND subtype = 'repetitive_loop'`,
      [tenantId, sessionId],
    );
    assert.deepEqual(guidance, [{ at_seq: 12 }]);
  });

  it('checks tool calls against the schemas a host registered, and applies a tenant’s thresholds', async () => {
    const other = await newTenant(db);
    const schemas = await request(`${ingest()}/v1/agents/claude-code/tools`, {
      method: 'PUT',
      apiKey: other.apiKey,
      body: {
        tools: [
          {
            name: 'Bash',
            parameters: {
              type: 'object',
              properties: { command: { type: 'string' } },
              required: ['command'],
            },
          },
          { name: 'Read', parameters: { type: 'object', required: ['file_path'] } },
        ],
      },
    });
    assert.equal(schemas.status, 200);
    const bad = await request(`${ingest()}/v1/agents/claude-code/tools`, {
      method: 'PUT',
      apiKey: other.apiKey,
      body: { tools: [{ name: 'Bash', parameters: { type: 'no-such-type' } }] },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'tools[0].parameters');
    const thresholds = await request(`${ingest()}/v1/settings/detector-thresholds`, {
      method: 'PUT',
      apiKey: other.apiKey,
      body: { failingRepeats: 5 },
    });
    assert.equal(thresholds.status, 200);
    const badThreshold = await request(`${ingest()}/v1/settings/detector-thresholds`, {
      method: 'PUT',
      apiKey: other.apiKey,
      body: { failingRepeats: -1 },
    });
    assert.equal(badThreshold.body.field, 'failingRepeats');

    const events = loadSample('looping-session', randomUUID());
    const read = events.find((e) => e.tool?.name === 'Read')!;
    read.tool = { ...read.tool!, args: { path: 'src/dateparse/core.py' } };
    assert.equal((await postEvents(ingest(), other.apiKey, events)).status, 202);
    await settle();
    const rows: Array<{ subtype: string; at_seq: number }> = await db.query(
      'SELECT subtype, at_seq::int AS at_seq FROM verdicts WHERE tenant_id = $1 ORDER BY at_seq',
      [other.tenantId],
    );
    assert.deepEqual(rows, [
      { subtype: 'nonexistent_resource', at_seq: 3 },
      { subtype: 'malformed_arguments', at_seq: 4 },
      { subtype: 'repetitive_loop', at_seq: 17 },
    ]);
  });

  it('`wink replay` streams a file into the pipeline and reports the guidance with its latency', () => {
    const run = spawnSync(
      process.execPath,
      [
        `${ROOT}tools/cli/bin/wink.js`,
        'replay',
        `${ROOT}samples/looping-session.jsonl`,
        '--url',
        ingest(),
        '--guidance-url',
        intervention(),
        '--key',
        apiKey,
        '--rate',
        '50',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.sessions[0].guidance.map((g: { subtype: string }) => g.subtype).sort(),
      ['nonexistent_resource', 'repetitive_loop'],
    );
    assert.equal(report.latency.count, 2);
    assert.ok(report.latency.p99 < 5000);
  });

  it('accepts a whole trajectory in another format through the SDK, and classifies it', async () => {
    const client = new WinkClient({ ingestUrl: ingest(), guidanceUrl: intervention(), apiKey });
    const sessionId = `anthropic-${randomUUID()}`;
    const messages = JSON.parse(
      readFileSync(`${ROOT}libs/importers/fixtures/anthropic-messages.json`, 'utf8'),
    );
    assert.equal(await client.importTrajectory('anthropic-messages', sessionId, messages), 9);
    const guidance = await waitFor(
      async () => {
        const g = await client.guidance(sessionId, 1000);
        return g.length ? g : null;
      },
      5000,
      'guidance for the imported trajectory',
    );
    assert.equal(guidance[0].subtype, 'nonexistent_resource');
    assert.equal(
      await client.registerTools('exporter-agent', [
        { name: 'bash', parameters: { type: 'object' } },
      ]),
      1,
    );
    await assert.rejects(client.importTrajectory('yaml', sessionId, messages), /400/);
  });

  it('loses no verdict and duplicates none when the classifier is stopped and restarted mid-stream', async () => {
    const sessions = Array.from({ length: 6 }, () => loadSample('looping-session', randomUUID()));
    const expected = new Set<string>();
    for (const events of sessions) {
      const window = new SessionWindow();
      for (const e of events)
        for (const f of observe(window, e)) expected.add(`${e.sessionId}|${f.subtype}|${e.seq}`);
    }

    // First half of every session, then the classifier goes away while the rest streams in.
    const half = 9;
    for (const events of sessions) await postEvents(ingest(), apiKey, events.slice(0, half));
    await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events]);
    await waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events]);
    const stopping = pipeline.services.classifier.stop();
    for (const events of sessions) {
      for (let i = half; i < events.length; i += 3) {
        assert.equal((await postEvents(ingest(), apiKey, events.slice(i, i + 3))).status, 202);
      }
    }
    await stopping;
    await pipeline.services.classifier.start();
    await waitForGroupsStable(admin, [CONSUMER_GROUPS.classifier]);
    await settle();

    const ids = sessions.map((s) => s[0].sessionId);
    const rows: Array<{ session_id: string; subtype: string; at_seq: number }> = await db.query(
      'SELECT session_id, subtype, at_seq FROM verdicts WHERE tenant_id = $1 AND session_id = ANY($2)',
      [tenantId, ids],
    );
    const actual = rows.map((r) => `${r.session_id}|${r.subtype}|${r.at_seq}`);
    assert.equal(actual.length, new Set(actual).size, 'duplicate verdicts');
    assert.deepEqual(new Set(actual), expected);
    assert.equal(expected.size, 12);
  });

  it('answers 413 for a body over the limit and 400 for one that is not JSON', async () => {
    const before = await topicSize(admin, TOPICS.events);
    const big = loadSample('clean-session', randomUUID()).map((e) => ({
      ...e,
      text: 'x'.repeat(60_000),
    }));
    const tooLarge = await postEvents(ingest(), apiKey, big);
    assert.equal(tooLarge.status, 413);
    const notJson = await request(`${ingest()}/v1/events`, { apiKey, rawBody: '{"events": [' });
    assert.equal(notJson.status, 400);
    assert.equal(await topicSize(admin, TOPICS.events), before);
  });

  it("sends an unreadable message to its topic's dead-letter topic with the reason, and keeps the partition moving", async () => {
    const events = loadSample('looping-session', randomUUID());
    const sessionId = events[0].sessionId;
    const kafka = createKafka({ brokers: BROKERS, clientId: 'wink-tests-poison' });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: physicalTopic(TOPICS.events),
      messages: [
        { key: sessionId, value: '{not json' },
        {
          key: sessionId,
          value: JSON.stringify({ v: 1, tenantId, receivedAt: 1, event: { sessionId } }),
        },
      ],
    });
    await producer.disconnect();
    assert.equal((await postEvents(ingest(), apiKey, events)).status, 202);
    await settle();

    const [{ n }] = await db.query(
      'SELECT count(*)::int AS n FROM verdicts WHERE tenant_id = $1 AND session_id = $2',
      [tenantId, sessionId],
    );
    assert.equal(n, 2, 'events after the poison messages were still classified');

    const reader = kafka.consumer({ groupId: `wink-tests-dlq-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topic: physicalTopic(TOPICS.eventsDeadLetter), fromBeginning: true });
    const reasons = new Map<string, string[]>();
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() !== sessionId) return;
        const letter = decodeMessage(TOPICS.eventsDeadLetter, message.value);
        assert.ok(letter.ok);
        const list = reasons.get(letter.value.consumerGroup) ?? [];
        assert.equal(letter.value.failure, 'envelope');
        list.push(letter.value.error);
        reasons.set(letter.value.consumerGroup, list);
      },
    });
    try {
      await waitFor(
        async () =>
          reasons.get(CONSUMER_GROUPS.classifier)?.length === 2 &&
          reasons.get(CONSUMER_GROUPS.recorder)?.length === 2,
        15_000,
        'dead letters from the classifier and the recorder',
      );
    } finally {
      await reader.disconnect();
    }
    assert.deepEqual(reasons.get(CONSUMER_GROUPS.classifier)?.sort(), [
      '(root): not valid JSON',
      'event.eventId: expected a string',
    ]);
  });
});
