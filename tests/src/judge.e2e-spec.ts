import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { FakeChatServer, questionsAsked } from '@wink/judge/testing';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitFor,
  waitForDrained,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, postEvents, request } from './harness/http.js';
import { Pipeline } from './harness/pipeline.js';

const SECRET = 'sk-proj-LeakedKey0123456789abcdef';
const VIOLATION = {
  violation: true,
  evidence_steps: [5],
  reason: 'renamed the public function parse(), which the task said to keep',
};
const CLEAN = { violation: false, evidence_steps: [], reason: 'nothing wrong' };

/** Five steps in which the agent quietly breaks an instruction no rule can read. */
function apiChangeSession(sessionId: string): TrajectoryEvent[] {
  const base = { sessionId, agent: { name: 'judge-test', model: 'm' }, env: 'dev' as const };
  const steps: Array<Partial<TrajectoryEvent>> = [
    {
      kind: 'task',
      role: 'user',
      text: 'Speed up the date parser. Keep its public API exactly as it is.',
    },
    {
      kind: 'tool_call',
      role: 'assistant',
      tool: { name: 'Read', args: { file_path: 'src/dates.ts' }, callId: 'a' },
    },
    {
      kind: 'tool_result',
      role: 'tool',
      result: { callId: 'a', ok: true, output: 'export function parse(s) {}' },
    },
    {
      kind: 'message',
      role: 'assistant',
      text: `Using OPENAI_API_KEY=${SECRET} from .env for the benchmark.`,
    },
    {
      kind: 'tool_call',
      role: 'assistant',
      tool: {
        name: 'Edit',
        args: { file_path: 'src/dates.ts', old_string: 'parse(', new_string: 'parseDate(' },
        callId: 'b',
      },
    },
    { kind: 'tool_result', role: 'tool', result: { callId: 'b', ok: true, output: 'updated' } },
    { kind: 'message', role: 'assistant', text: 'Renamed parse to parseDate for clarity.' },
    { kind: 'message', role: 'assistant', text: 'Running the benchmark next.' },
    { kind: 'message', role: 'assistant', text: 'Done.' },
  ];
  return steps.map(
    (s, seq) =>
      ({
        ...base,
        ...s,
        seq,
        eventId: `${sessionId}-${seq}`,
        ts: new Date().toISOString(),
      }) as TrajectoryEvent,
  );
}

describe('LLM judge in the classifier, against a loopback chat-completions server', () => {
  let db: DataSource;
  let admin: Admin;
  const fake = new FakeChatServer(
    FakeChatServer.answering((question) => (question === 'instructions' ? VIOLATION : CLEAN)),
  );
  let pipeline: Pipeline;

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    const url = await fake.start();
    pipeline = new Pipeline({
      JUDGE_ENABLED: 'true',
      JUDGE_BASE_URL: url,
      JUDGE_MODEL: 'judge-small',
      JUDGE_MAX_RETRIES: '0',
      JUDGE_TIMEOUT_MS: '2000',
    });
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  });

  after(async () => {
    await pipeline?.stop();
    await fake.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it('turns a confirmed violation into a verdict and guidance, with secrets masked before the model sees them', async () => {
    const { tenantId, apiKey } = await newTenant(db);
    const sessionId = `judge-${randomUUID()}`;
    assert.equal(
      (await postEvents(pipeline.services.ingest.url, apiKey, apiChangeSession(sessionId))).status,
      202,
    );
    const verdict = await waitFor(
      async () =>
        (
          await db.query(
            'SELECT subtype, detector, reason, from_seq::int AS from_seq FROM verdicts WHERE tenant_id = $1',
            [tenantId],
          )
        )[0],
      10_000,
      'the judge verdict',
    );
    assert.deepEqual(verdict, {
      subtype: 'did_not_follow_instructions',
      detector: 'llm/judge-small@instructions.v2',
      reason: 'renamed the public function parse(), which the task said to keep',
      from_seq: 5,
    });
    const asked = fake.received.filter((r) => questionsAsked(r).includes('instructions'));
    assert.ok(asked.length >= 2, 'a violation is confirmed by a second answer');
    assert.equal(questionsAsked(asked[0]).length, 4, 'one call asks every question');
    assert.deepEqual(
      questionsAsked(asked[1]),
      ['instructions'],
      'only the flagged one is confirmed',
    );
    assert.ok(
      fake.received.every((r) => !JSON.stringify(r).includes(SECRET)),
      'the secret never reached the model',
    );
    assert.ok(fake.received.some((r) => r.messages[1].content.includes('[REDACTED:')));
    await waitFor(
      async () =>
        (await db.query('SELECT 1 FROM guidance WHERE tenant_id = $1', [tenantId])).length === 1,
      10_000,
      'guidance for the judge verdict',
    );
    const [usage] = await db.query('SELECT tokens, calls FROM judge_usage WHERE tenant_id = $1', [
      tenantId,
    ]);
    assert.ok(Number(usage.tokens) > 0 && usage.calls >= 2);
  });

  it('stops for a tenant over its daily token cap', async () => {
    const { tenantId, apiKey } = await newTenant(db);
    await db.query(
      `INSERT INTO judge_usage (tenant_id, day, tokens, calls) VALUES ($1, (now() AT TIME ZONE 'utc')::date, 2000000, 1)`,
      [tenantId],
    );
    const before = fake.received.length;
    await postEvents(
      pipeline.services.ingest.url,
      apiKey,
      apiChangeSession(`capped-${randomUUID()}`),
    );
    await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events]);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(fake.received.length, before);
    const metrics = await (await fetch(`${pipeline.services.classifier.url}/metrics`)).text();
    assert.match(metrics, /wink_judge_skipped_total\{reason="over_budget"\} [1-9]/);
  });

  it('degrades to rules only when the judge endpoint fails, visible in health', async () => {
    fake.setScript(() => ({ status: 500, raw: '{"error": "overloaded"}' }));
    const { tenantId, apiKey } = await newTenant(db);
    for (let i = 0; i < 2; i++) {
      await postEvents(
        pipeline.services.ingest.url,
        apiKey,
        apiChangeSession(`down-${randomUUID()}`),
      );
    }
    const events = loadSample('looping-session', randomUUID());
    await postEvents(pipeline.services.ingest.url, apiKey, events);
    const health = await waitFor(
      async () => {
        const h = await request<{ status: string; checks: Record<string, string> }>(
          `${pipeline.services.classifier.url}/health`,
        );
        return h.body.checks.judge === 'down' ? h : null;
      },
      10_000,
      'health to show the judge down',
    );
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'degraded');
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT 1 FROM verdicts WHERE tenant_id = $1 AND session_id = $2 AND subtype = 'repetitive_loop'`,
            [tenantId, events[0].sessionId],
          )
        ).length === 1,
      10_000,
      'the rule verdicts to keep coming',
    );
  });
});
