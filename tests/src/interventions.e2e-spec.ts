import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMessage, TOPICS } from '@wink/contracts';
import { verifyWebhookSignature, WinkClient, type Guidance } from '@wink/client';
import { Partitioners } from 'kafkajs';
import { createKafka, physicalTopic } from '@wink/kafka';
import { runSimulatedAgent, seededRandom } from '@wink/simulator';
import { BROKERS, newTenant, waitFor } from './harness/infrastructure.js';
import { loadSample, request } from './harness/http.js';
import { Pipeline, startedForSuite } from './harness/pipeline.js';
import { WebhookReceiver } from './harness/webhook-receiver.js';

const SECRET = 'whsec_test_0123456789abcdef';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('interventions end to end: policy, channels, outcomes (real Kafka, real Postgres)', () => {
  const pipeline = new Pipeline({
    OUTCOME_SWEEP_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '3',
    WEBHOOK_BACKOFF_MS: '50',
  });
  const ingest = () => pipeline.services.ingest.url;
  const intervention = () => pipeline.services.intervention.url;

  async function tenantWith(policy: Record<string, number>) {
    const tenant = await newTenant(infra.db);
    const res = await request(`${ingest()}/v1/settings/policy`, {
      method: 'PUT',
      apiKey: tenant.apiKey,
      body: policy,
    });
    assert.equal(res.status, 200);
    const client = new WinkClient({
      ingestUrl: ingest(),
      guidanceUrl: intervention(),
      apiKey: tenant.apiKey,
    });
    return { ...tenant, client };
  }

  const infra = startedForSuite(pipeline);

  it('misbehave → nudge → the agent changes course → resolved', async () => {
    const t = await tenantWith({ cooldownMs: 0, outcomeSteps: 5 });
    const report = await runSimulatedAgent({
      client: t.client,
      sessionId: `comply-${randomUUID()}`,
      misbehaviour: 'loop',
      complyProbability: 1,
      steps: 15,
      random: seededRandom(7),
    });
    assert.deepEqual(
      report.guidance.map((g) => [g.subtype, g.severity]),
      [['repetitive_loop', 'nudge']],
    );
    assert.equal(report.complied, true);
    const outcome = await waitFor(
      async () => {
        const [row] = await infra.db.query(
          'SELECT outcome FROM guidance WHERE intervention_id = $1',
          [report.guidance[0].interventionId],
        );
        return row?.outcome === 'resolved' ? row.outcome : null;
      },
      10_000,
      'the intervention to be resolved',
    );
    assert.equal(outcome, 'resolved');
    const outcomes = await request<{ bySubtype: Array<Record<string, unknown>> }>(
      `${intervention()}/v1/outcomes`,
      { apiKey: t.apiKey },
    );
    assert.deepEqual(outcomes.body.bySubtype, [
      {
        subtype: 'repetitive_loop',
        interventions: 1,
        resolved: 1,
        recurred: 0,
        open: 0,
        singleInterventionResolutionRate: 1,
      },
    ]);
  });

  it('misbehave → nudge → recurred → warn → recurred → halt, when the agent ignores guidance', async () => {
    const t = await tenantWith({ cooldownMs: 0 });
    const report = await runSimulatedAgent({
      client: t.client,
      sessionId: `ignore-${randomUUID()}`,
      misbehaviour: 'loop',
      complyProbability: 0,
      steps: 30,
      random: seededRandom(7),
    });
    assert.deepEqual(
      report.guidance.map((g) => g.severity),
      ['nudge', 'warn', 'halt'],
    );
    assert.equal(report.halted, true);
    assert.match(report.guidance[2].text, /stop here and ask a person/);
    const rows: Array<{ severity: string; outcome: string }> = await infra.db.query(
      'SELECT severity, outcome FROM guidance WHERE tenant_id = $1 ORDER BY created_at',
      [t.tenantId],
    );
    assert.deepEqual(
      rows.map((r) => [r.severity, r.outcome]),
      [
        ['nudge', 'recurred'],
        ['warn', 'recurred'],
        ['halt', 'open'],
      ],
    );
  });

  it('streams guidance over Server-Sent Events', async () => {
    const t = await tenantWith({});
    const events = loadSample('looping-session', randomUUID());
    const received: Guidance[] = [];
    const abort = new AbortController();
    const streaming = t.client.streamGuidance(
      events[0].sessionId,
      (g) => received.push(g),
      abort.signal,
    );
    await t.client.record(events);
    await waitFor(async () => received.length === 2, 5000, 'two guidance events on the stream');
    abort.abort();
    await streaming;
    assert.deepEqual(received.map((g) => g.subtype).sort(), [
      'nonexistent_resource',
      'repetitive_loop',
    ]);
    const [{ n }] = await infra.db.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND channel = 'sse'`,
      [t.tenantId],
    );
    assert.equal(n, 2);
  });

  it('hands each of several sessions waiting on both channels at once only its own guidance, once per channel', async () => {
    const [a, b] = await Promise.all([tenantWith({}), tenantWith({})]);
    const suffixes = [randomUUID(), randomUUID(), randomUUID()];
    const sessionsOfA = suffixes.map((sfx) => loadSample('looping-session', sfx));
    // The same session id under another tenant: a merged claim must keep tenants apart.
    const sessionOfB = sessionsOfA[0].map((e) => ({ ...e, eventId: `${e.eventId}-b` }));
    const waiting = [
      ...sessionsOfA.map((events) => ({ tenant: a, sessionId: events[0].sessionId })),
      { tenant: b, sessionId: sessionOfB[0].sessionId },
    ].map((w) => ({ ...w, streamed: [] as Guidance[], polled: [] as Guidance[] }));
    const abort = new AbortController();
    const streams = waiting.map((w) =>
      w.tenant.client.streamGuidance(w.sessionId, (g) => w.streamed.push(g), abort.signal),
    );
    const polls = waiting.map(async (w) => {
      while (w.polled.length < 2 && !abort.signal.aborted)
        w.polled.push(...(await w.tenant.client.guidance(w.sessionId, 5000)));
    });
    await Promise.all([a.client.record(sessionsOfA.flat()), b.client.record(sessionOfB)]);
    await waitFor(
      async () => waiting.every((w) => w.streamed.length >= 2 && w.polled.length >= 2),
      20_000,
      'two guidance on every stream and every long-poll',
    );
    abort.abort();
    await Promise.all([...streams, ...polls.map((p) => p.catch(() => undefined))]);
    for (const w of waiting) {
      const stored = (
        (await infra.db.query(
          `SELECT intervention_id FROM guidance WHERE tenant_id = $1 AND session_id = $2`,
          [w.tenant.tenantId, w.sessionId],
        )) as Array<{ intervention_id: string }>
      )
        .map((r) => r.intervention_id)
        .sort();
      assert.equal(stored.length, 2);
      for (const got of [w.streamed, w.polled])
        assert.deepEqual(got.map((g) => g.interventionId).sort(), stored);
    }
    const deliveries = await infra.db.query(
      `SELECT channel, count(*)::int AS n, count(DISTINCT intervention_id)::int AS distinct_n
         FROM deliveries WHERE tenant_id = ANY($1::uuid[]) AND channel IN ('poll', 'sse')
        GROUP BY channel ORDER BY channel`,
      [[a.tenantId, b.tenantId]],
    );
    assert.deepEqual(deliveries, [
      { channel: 'poll', n: 8, distinct_n: 8 },
      { channel: 'sse', n: 8, distinct_n: 8 },
    ]);
  });

  it('publishes guidance on the guidance topic, and again once a publication left unacknowledged has lost its lease', async () => {
    const t = await tenantWith({});
    const events = loadSample('looping-session', randomUUID()).slice(0, 4);
    const reader = createKafka({ brokers: BROKERS, clientId: 'wink-tests-guidance' }).consumer({
      groupId: `guidance-${randomUUID()}`,
    });
    const published: string[] = [];
    const topicDeliveries = async () =>
      (await infra.db.query(
        `SELECT intervention_id, status FROM deliveries WHERE tenant_id = $1 AND channel = 'topic'`,
        [t.tenantId],
      )) as Array<{ intervention_id: string; status: string }>;
    try {
      await reader.connect();
      await reader.subscribe({ topic: physicalTopic(TOPICS.guidance), fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          const g = decodeMessage(TOPICS.guidance, message.value);
          if (g.ok && g.value.tenantId === t.tenantId) published.push(g.value.interventionId);
        },
      });
      await t.client.record(events);
      const [first] = await waitFor(
        async () => {
          const rows = await topicDeliveries();
          return rows.length > 0 && rows.every((r) => r.status === 'delivered') ? rows : null;
        },
        10_000,
        'the guidance to be published and marked delivered',
      );
      await waitFor(
        async () => published.includes(first.intervention_id),
        10_000,
        'the guidance on the topic',
      );
      // As if the instance that stored it had stopped before the broker acknowledged it.
      await infra.db.query(
        `UPDATE deliveries SET status = 'pending', delivered_at = NULL, next_attempt_at = now()
          WHERE intervention_id = $1 AND channel = 'topic'`,
        [first.intervention_id],
      );
      await waitFor(
        async () =>
          published.filter((id) => id === first.intervention_id).length === 2 &&
          (await topicDeliveries()).every((r) => r.status === 'delivered'),
        20_000,
        'the sweep to publish it again and mark it delivered',
      );
    } finally {
      await reader.disconnect();
    }
  });

  it("publishes a redelivered verdict's guidance again only while its publication is pending and unleased", async () => {
    const t = await tenantWith({});
    const events = loadSample('looping-session', randomUUID());
    const kafka = createKafka({ brokers: BROKERS, clientId: 'wink-tests-redelivery' });
    const reader = kafka.consumer({ groupId: `redelivery-${randomUUID()}` });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const verdicts = new Map<string, { key: Buffer | null; value: Buffer }>();
    const published: string[] = [];
    try {
      await Promise.all([reader.connect(), producer.connect()]);
      await reader.subscribe({
        topics: [physicalTopic(TOPICS.guidance), physicalTopic(TOPICS.verdicts)],
        fromBeginning: true,
      });
      await reader.run({
        eachMessage: async ({ topic, message }) => {
          if (topic === physicalTopic(TOPICS.verdicts)) {
            const v = decodeMessage(TOPICS.verdicts, message.value);
            if (v.ok && v.value.tenantId === t.tenantId)
              verdicts.set(v.value.verdictId, { key: message.key, value: message.value! });
            return;
          }
          const g = decodeMessage(TOPICS.guidance, message.value);
          if (g.ok && g.value.tenantId === t.tenantId) published.push(g.value.interventionId);
        },
      });
      await t.client.record(events);
      const rows = (await waitFor(
        async () => {
          const found = await infra.db.query(
            `SELECT g.intervention_id, g.verdict_ids[1] AS verdict_id
               FROM guidance g JOIN deliveries d USING (intervention_id)
              WHERE g.tenant_id = $1 AND d.channel = 'topic' AND d.status = 'delivered'
              ORDER BY g.at_seq`,
            [t.tenantId],
          );
          return found.length >= 2 &&
            found.every((r: { intervention_id: string }) => published.includes(r.intervention_id))
            ? found
            : null;
        },
        20_000,
        'two guidance of the looping session published and marked delivered',
      )) as Array<{ intervention_id: string; verdict_id: string }>;
      const [dead, stale] = rows;
      await waitFor(
        async () => verdicts.has(dead.verdict_id) && verdicts.has(stale.verdict_id),
        10_000,
        'the two verdicts read back from their topic',
      );
      await infra.db.query(
        `UPDATE deliveries SET status = 'dead', next_attempt_at = NULL
          WHERE intervention_id = $1 AND channel = 'topic'`,
        [dead.intervention_id],
      );
      // As if its publisher had stopped before the broker acknowledged it, and its lease ran out.
      await infra.db.query(
        `UPDATE deliveries SET status = 'pending', delivered_at = NULL, next_attempt_at = now()
          WHERE intervention_id = $1 AND channel = 'topic'`,
        [stale.intervention_id],
      );
      // Both redelivered in order, on the session's partition: the guidance topic keeps that order.
      await producer.send({
        topic: physicalTopic(TOPICS.verdicts),
        messages: [dead, stale].map((r) => verdicts.get(r.verdict_id)!),
      });
      await waitFor(
        async () => published.filter((id) => id === stale.intervention_id).length === 2,
        20_000,
        'the pending guidance published again',
      );
      assert.equal(
        published.filter((id) => id === dead.intervention_id).length,
        1,
        'guidance set aside as dead is not published again',
      );
    } finally {
      await Promise.all([reader.disconnect(), producer.disconnect()]);
    }
  });

  it('signs webhook deliveries, retries them with backoff, and a halt is still visible to a polling host', async () => {
    const receiver = new WebhookReceiver((n) => (n <= 2 ? 500 : 204));
    const url = await receiver.start();
    try {
      const t = await tenantWith({});
      const set = await request(`${ingest()}/v1/settings/webhook`, {
        method: 'PUT',
        apiKey: t.apiKey,
        body: { url, secret: SECRET },
      });
      assert.equal(set.status, 200);
      const report = await runSimulatedAgent({
        client: new WinkClient({
          ingestUrl: ingest(),
          guidanceUrl: 'http://127.0.0.1:9',
          apiKey: t.apiKey,
        }),
        sessionId: `webhook-${randomUUID()}`,
        misbehaviour: 'destructive',
        complyProbability: 0,
        steps: 1,
        random: seededRandom(1),
        pollMs: 0,
        env: 'production',
      });
      await waitFor(
        async () => receiver.received.length === 3,
        10_000,
        'the third webhook attempt',
      );
      const [first, , last] = receiver.received;
      assert.equal(first.body, last.body);
      assert.equal(last.headers['wink-attempt'], '3');
      assert.ok(verifyWebhookSignature(SECRET, String(last.headers['wink-signature']), last.body));
      const pushed = JSON.parse(last.body).guidance as Guidance;
      assert.equal(pushed.severity, 'halt');
      assert.equal(pushed.subtype, 'destructive_action');
      const delivery = await waitFor(
        async () => {
          const [row] = await infra.db.query(
            `SELECT status, attempts FROM deliveries WHERE intervention_id = $1 AND channel = 'webhook'`,
            [pushed.interventionId],
          );
          return row?.status === 'delivered' ? row : null;
        },
        5000,
        'the webhook delivery to be recorded',
      );
      assert.deepEqual(delivery, { status: 'delivered', attempts: 3 });
      const polled = await t.client.guidance(report.sessionId, 0);
      assert.deepEqual(
        polled.map((g) => [g.interventionId, g.severity]),
        [[pushed.interventionId, 'halt']],
      );
    } finally {
      await receiver.stop();
    }
  });

  it('dead-letters a webhook delivery after the last attempt', async () => {
    const receiver = new WebhookReceiver(() => 503);
    const url = await receiver.start();
    const t = await tenantWith({});
    const reader = createKafka({ brokers: BROKERS, clientId: 'wink-tests-webhook-dlq' }).consumer({
      groupId: `dlq-${randomUUID()}`,
    });
    try {
      await request(`${ingest()}/v1/settings/webhook`, {
        method: 'PUT',
        apiKey: t.apiKey,
        body: { url, secret: SECRET },
      });
      const events = loadSample('looping-session', randomUUID()).slice(0, 4);
      await t.client.record(events);
      await waitFor(
        async () => {
          const rows = await infra.db.query(
            `SELECT status, attempts FROM deliveries WHERE tenant_id = $1 AND channel = 'webhook'`,
            [t.tenantId],
          );
          return rows[0]?.status === 'dead' ? rows[0] : null;
        },
        10_000,
        'the webhook delivery to be dead',
      );
      assert.equal(receiver.received.length, 3);
      const reasons: string[] = [];
      await reader.connect();
      await reader.subscribe({ topic: physicalTopic(TOPICS.deadLetter), fromBeginning: true });
      await reader.run({
        eachMessage: async ({ message }) => {
          const letter = decodeMessage(TOPICS.deadLetter, message.value);
          if (letter.ok && letter.value.key === events[0].sessionId)
            reasons.push(letter.value.reason);
        },
      });
      await waitFor(async () => reasons.length === 1, 10_000, 'the dead-lettered webhook delivery');
      assert.match(reasons[0], /webhook failed 3 times; last: HTTP 503/);
    } finally {
      await reader.disconnect();
      await receiver.stop();
    }
  });

  it('`wink hook claude-code` records the steps a Claude Code hook reports and answers with guidance', async () => {
    const t = await tenantWith({});
    const sessionId = `claude-${randomUUID()}`;
    const stateDir = mkdtempSync(join(tmpdir(), 'wink-hook-'));
    const hook = (payload: object) =>
      spawnSync(process.execPath, [`${ROOT}tools/cli/bin/wink.js`, 'hook', 'claude-code'], {
        input: JSON.stringify({ session_id: sessionId, cwd: '/repo', ...payload }),
        encoding: 'utf8',
        env: {
          ...process.env,
          WINK_URL: ingest(),
          WINK_GUIDANCE_URL: intervention(),
          WINK_API_KEY: t.apiKey,
          WINK_STATE_DIR: stateDir,
        },
      });
    assert.equal(
      hook({ hook_event_name: 'UserPromptSubmit', prompt: 'Fix the failing date test.' }).stdout,
      '',
    );
    // Guidance may come back on any hook call after the third failure, the PostToolUse included.
    const outputs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const call = {
        tool_name: 'Bash',
        tool_input: { command: 'npm test' },
        tool_use_id: `toolu_${i}`,
      };
      const pre = hook({ hook_event_name: 'PreToolUse', ...call });
      assert.equal(pre.status, 0);
      const post = hook({
        hook_event_name: 'PostToolUse',
        ...call,
        tool_response: { stdout: 'FAIL dates.test.ts', stderr: '', exit_code: 1 },
      });
      outputs.push(pre.stdout.trim(), post.stdout.trim());
    }
    const answer = await waitFor(
      async () => {
        const given = outputs.find(Boolean);
        if (given) return JSON.parse(given);
        const out = hook({
          hook_event_name: 'UserPromptSubmit',
          prompt: 'Any progress?',
        }).stdout.trim();
        return out ? JSON.parse(out) : null;
      },
      10_000,
      'guidance in the hook output',
      300,
    );
    assert.ok(
      ['PreToolUse', 'PostToolUse', 'UserPromptSubmit'].includes(
        answer.hookSpecificOutput?.hookEventName,
      ),
      JSON.stringify(answer),
    );
    assert.match(
      answer.hookSpecificOutput.additionalContext,
      /ran `npm test` 3 times in a row and it failed the same way each time \(steps 1, 3 and 5\)/,
    );
    // The prompt and three calls with their results, as the recorder stores them.
    await waitFor(
      async () => {
        const [{ n }] = await infra.db.query(
          'SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND session_id = $2',
          [t.tenantId, sessionId],
        );
        return n >= 7;
      },
      10_000,
      'the hook steps in Postgres',
    );
  });

  it('exports event → guidance → delivery → ack latency histograms on /metrics', async () => {
    const res = await fetch(`${intervention()}/metrics`);
    const text = await res.text();
    for (const name of [
      'wink_event_to_guidance_seconds',
      'wink_guidance_to_delivery_seconds',
      'wink_delivery_to_ack_seconds',
    ]) {
      const count = new RegExp(`^${name}_count(\\{[^}]*\\})? (\\d+)`, 'm').exec(text);
      assert.ok(count && Number(count[2]) > 0, `${name} has observations`);
    }
    assert.match(text, /wink_guidance_deliveries_total\{channel="webhook"\} \d+/);
  });
});
