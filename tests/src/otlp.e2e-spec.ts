import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  topicSize,
  waitFor,
  waitForDrained,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, pollGuidance, request } from './harness/http.js';
import { claudeCodeEvents, codexEvents, exportOnce, traceAgentRun } from './harness/otel-agent.js';
import { Pipeline } from './harness/pipeline.js';

describe('OTLP ingest: OpenTelemetry exporters to guidance (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  let apiKey: string;
  let tenantId: string;
  const pipeline = new Pipeline();
  const ingest = () => pipeline.services.ingest.url;

  async function settle(): Promise<void> {
    await waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events]);
    await waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events, TOPICS.verdicts]);
    await waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts]);
  }

  const count = async (table: string, sessionId: string): Promise<number> =>
    (
      await db.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND session_id = $2`,
        [tenantId, sessionId],
      )
    )[0].n;

  /**
   * The three variables the README gives an agent; the exporter reads the endpoint and headers
   * (the protocol picks the exporter class, as an SDK's autoconfiguration or Claude Code does).
   */
  function withOtelEnvironment<T>(make: () => T): T {
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = ingest();
    process.env.OTEL_EXPORTER_OTLP_HEADERS = `Authorization=Bearer ${apiKey}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
    try {
      return make();
    } finally {
      for (const key of [
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_HEADERS',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
      ]) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  }

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    ({ apiKey, tenantId } = await newTenant(db));
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  });

  after(async () => {
    await pipeline.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it('guides a looping agent traced over http/protobuf by long-poll, and leaves a clean one traced over gzipped http/json alone', async () => {
    const suffix = randomUUID();
    const looping = loadSample('looping-session', suffix, new Date());
    const clean = loadSample('clean-session', suffix, new Date());
    const loopingId = `conv-loop-${suffix}`;
    const cleanId = `conv-clean-${suffix}`;

    const proto = withOtelEnvironment(() => new ProtoTraceExporter());
    await exportOnce(proto, traceAgentRun(looping, loopingId));
    const json = new JsonTraceExporter({
      url: `${ingest()}/v1/traces`,
      headers: { Authorization: `Bearer ${apiKey}` },
      compression: 'gzip' as never,
    });
    await exportOnce(json, traceAgentRun(clean, cleanId));

    let loop: { subtype: string; severity: string } | undefined;
    const seen: string[] = [];
    await waitFor(
      async () => {
        const res = await pollGuidance(pipeline.services.intervention.url, apiKey, loopingId, 2000);
        assert.equal(res.status, 200);
        seen.push(...res.body.guidance.map((g) => g.subtype));
        loop = res.body.guidance.find((g) => g.subtype === 'repetitive_loop');
        return loop;
      },
      30_000,
      `repetitive_loop guidance for the traced session (saw ${seen.join(', ') || 'none'})`,
    );
    assert.equal(loop!.severity, 'nudge');

    await settle();
    assert.equal(await count('events', loopingId), looping.length);
    assert.equal(await count('events', cleanId), clean.length);
    assert.equal(await count('verdicts', cleanId), 0);
    const cleanPoll = await pollGuidance(pipeline.services.intervention.url, apiKey, cleanId, 0);
    assert.deepEqual(cleanPoll.body, { guidance: [] });
    const [row] = await db.query(
      `SELECT payload FROM events WHERE tenant_id = $1 AND session_id = $2 AND kind = 'tool_call' ORDER BY seq LIMIT 1`,
      [tenantId, loopingId],
    );
    assert.equal(row.payload.agent.name, looping[0].agent.name);
    assert.deepEqual(
      row.payload.tool.args,
      looping.find((e) => e.kind === 'tool_call')!.tool!.args,
    );
  });

  it('records a re-sent export once and guides it once', async () => {
    const suffix = randomUUID();
    const sessionId = `conv-resent-${suffix}`;
    const spans = traceAgentRun(loadSample('looping-session', suffix, new Date()), sessionId);
    const exporter = withOtelEnvironment(() => new ProtoTraceExporter());
    await exportOnce(exporter, spans);
    await settle();
    const first = {
      events: await count('events', sessionId),
      guidance: await count('guidance', sessionId),
    };
    assert.ok(first.guidance > 0, 'the loop is guided');

    await exportOnce(exporter, spans);
    await settle();
    assert.deepEqual(
      { events: await count('events', sessionId), guidance: await count('guidance', sessionId) },
      first,
    );
  });

  it('keeps the order of steps that share one second in the recorded timeline', async () => {
    const suffix = randomUUID();
    const sessionId = `conv-subsecond-${suffix}`;
    // Every step of the run within one wall-clock second, 2 ms apart.
    const second = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const steps = loadSample('looping-session', suffix).map((e, i) => ({
      ...e,
      ts: new Date(second + 2 * i).toISOString(),
    }));
    assert.ok(2 * steps.length < 1000, 'the run fits one second');
    await exportOnce(
      withOtelEnvironment(() => new ProtoTraceExporter()),
      traceAgentRun(steps, sessionId),
    );
    await waitFor(
      async () => (await count('events', sessionId)) === steps.length,
      30_000,
      'the sub-second run to be recorded',
    );
    type Timeline = { steps: Array<{ seq: number; kind: string; ts: string }> };
    const res = await request<Timeline>(
      `${pipeline.services.api.url}/v1/sessions/${sessionId}/timeline`,
      { apiKey },
    );
    assert.equal(res.status, 200);
    const recorded = res.body.steps;
    assert.deepEqual(
      recorded.map((e) => e.kind),
      steps.map((e) => (e.kind === 'session_end' ? 'message' : e.kind)),
      'the timeline holds the steps in the order they happened',
    );
    assert.equal(new Set(recorded.map((e) => e.ts.slice(0, 19))).size, 1, 'all in one second');
    for (let i = 1; i < recorded.length; i++) {
      assert.ok(recorded[i].seq > recorded[i - 1].seq, `seq grows at step ${i}`);
      assert.ok(Number.isSafeInteger(recorded[i].seq) && recorded[i].seq > 2 ** 31);
    }
  });

  it('joins the spans of one trace exported to two ingest instances into one session', async () => {
    const other = new Pipeline({}, Number(process.env.TEST_PORT_BASE ?? 3100) + 5).services.ingest;
    await other.start();
    try {
      const suffix = randomUUID();
      const conversationId = `conv-split-${suffix}`;
      const steps = loadSample('clean-session', suffix, new Date());
      const spans = traceAgentRun(steps, conversationId);
      // Only the invoke_agent span names the conversation: it goes to this instance first, the
      // rest of the trace to the other one.
      const named = spans.filter((s) => s.attributes['gen_ai.conversation.id'] !== undefined);
      const rest = spans.filter((s) => s.attributes['gen_ai.conversation.id'] === undefined);
      assert.equal(named.length, 1);
      assert.ok(rest.length > 0);
      const to = (url: string) =>
        new ProtoTraceExporter({
          url: `${url}/v1/traces`,
          headers: { Authorization: `Bearer ${apiKey}` },
        });
      await exportOnce(to(ingest()), named);
      await exportOnce(to(other.url), rest);
      await waitFor(
        async () => (await count('events', conversationId)) === steps.length,
        30_000,
        'every step of the split trace in the conversation’s session',
      );
      await settle();
      const [stray] = await db.query(
        `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND session_id = $2`,
        [tenantId, `trace-${spans[0].spanContext().traceId}`],
      );
      assert.equal(stray.n, 0, 'no step fell back to a trace-keyed session');
    } finally {
      await other.stop();
    }
  });

  it('guides a looping Claude Code session from its own log events (http/protobuf), keyed by session.id and ordered by event.sequence', async () => {
    const sessionId = randomUUID();
    const looping = loadSample('looping-session', sessionId);
    const start = new Date(Date.now() - 120_000);
    const tools = looping
      .filter((e) => e.kind === 'tool_call')
      .map((call, i) => {
        const result = looping.find(
          (e) => e.kind === 'tool_result' && e.result?.callId === call.tool!.callId,
        )!;
        const args = call.tool!.args as { command?: string; file_path?: string };
        return {
          at: new Date(start.getTime() + 4_000 * (i + 1)),
          command: args.command ?? `cat ${args.file_path}`,
          error: result.result!.ok ? undefined : result.result!.error,
        };
      });
    const records = claudeCodeEvents(sessionId, looping[0].text!, start, tools);
    const exporter = new ProtoLogExporter({
      url: `${ingest()}/v1/logs`,
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    await exportOnce(exporter, records);

    await waitFor(
      async () => {
        const res = await pollGuidance(pipeline.services.intervention.url, apiKey, sessionId, 2000);
        return res.body.guidance.some((g) => g.subtype === 'repetitive_loop');
      },
      30_000,
      'repetitive_loop guidance for the Claude Code session',
    );
    await settle();
    const guided = await count('guidance', sessionId);
    await exportOnce(exporter, records);
    await settle();
    const rows: Array<{
      kind: string;
      /** A bigint column: pg returns it as a string. */
      seq: string;
      payload: { tool?: { args: unknown }; result?: { ok: boolean } };
    }> = await db.query(
      `SELECT kind, seq, payload FROM events WHERE tenant_id = $1 AND session_id = $2 ORDER BY seq`,
      [tenantId, sessionId],
    );
    assert.deepEqual(
      rows.map((r) => [r.kind, Number(r.seq)]),
      [
        ['task', 0],
        ...tools.flatMap((_, i) => [
          ['tool_call', 2 * (i + 1)],
          ['tool_result', 2 * (i + 1) + 1],
        ]),
      ],
      'every event once, in event.sequence order, though the export was sent twice',
    );
    assert.deepEqual(rows[1].payload.tool?.args, { command: tools[0].command });
    assert.equal(rows[2].payload.result?.ok, false);
    assert.equal(
      await count('guidance', sessionId),
      guided,
      'the re-sent export is not guided again',
    );
  });

  it('reads Codex’s own log events (gzipped http/json), keyed by conversation.id', async () => {
    const conversationId = randomUUID();
    const start = new Date(Date.now() - 30_000);
    const records = codexEvents(conversationId, 'Make the failing test pass.', start, [
      {
        at: new Date(start.getTime() + 3_000),
        command: 'pytest -q',
        output: '1 failed, 3 passed',
        ok: false,
      },
      { at: new Date(start.getTime() + 9_000), command: 'pytest -q', output: '4 passed', ok: true },
    ]);
    const exporter = new JsonLogExporter({
      url: `${ingest()}/v1/logs`,
      headers: { Authorization: `Bearer ${apiKey}` },
      compression: 'gzip' as never,
    });
    await exportOnce(exporter, records);
    await settle();
    const rows: Array<{ kind: string; payload: TrajectoryEvent }> = await db.query(
      `SELECT kind, payload FROM events WHERE tenant_id = $1 AND session_id = $2 ORDER BY seq, ts`,
      [tenantId, conversationId],
    );
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['task', 'usage', 'tool_call', 'tool_result', 'tool_call', 'tool_result'],
    );
    assert.deepEqual(rows[1].payload.usage, { inputTokens: 5400, outputTokens: 220 });
    assert.deepEqual(rows[2].payload.tool, {
      name: 'shell',
      args: { command: ['bash', '-lc', 'pytest -q'] },
      callId: 'call_0',
    });
    assert.deepEqual(rows[3].payload.result, {
      callId: 'call_0',
      ok: false,
      error: '1 failed, 3 passed',
    });
    assert.deepEqual(rows[5].payload.result, { callId: 'call_1', ok: true, output: '4 passed' });
    assert.equal(rows[0].payload.agent.name, 'codex');
  });

  it('answers bad OTLP payloads with a 400 that says what is wrong, and nothing reaches Kafka', async () => {
    const before = await topicSize(admin, TOPICS.events);
    const post = (path: string, body: Uint8Array | string, headers: Record<string, string>) =>
      fetch(`${ingest()}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, ...headers },
        body: typeof body === 'string' ? body : Buffer.from(body),
      });
    const span = {
      traceId: 'abc',
      spanId: '0000000000000001',
      name: 'execute_tool bash',
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
    };
    const badId = await post(
      '/v1/traces',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }),
      {
        'content-type': 'application/json',
      },
    );
    assert.equal(badId.status, 400);
    assert.deepEqual(await badId.json(), {
      code: 3,
      field: 'resourceSpans[0].scopeSpans[0].spans[0].traceId',
      message: 'resourceSpans[0].scopeSpans[0].spans[0].traceId: must be 32 hex digits (16 bytes)',
    });

    const gzippedBadLogs = gzipSync(
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: 'soon' }] }] }],
      }),
    );
    const badTime = await post('/v1/logs', gzippedBadLogs, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    assert.equal(badTime.status, 400);
    assert.match(
      ((await badTime.json()) as { message: string }).message,
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.timeUnixNano: /,
    );

    const garbage = await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.headers.get('content-type'), 'application/x-protobuf');
    assert.match(
      Buffer.from(await garbage.arrayBuffer()).toString('latin1'),
      /body is not a protobuf ExportTraceServiceRequest/,
    );

    const badGzip = await post('/v1/traces', new Uint8Array([1, 2, 3]), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    assert.equal(badGzip.status, 400);

    const text = await post('/v1/traces', 'hello', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);

    const noKey = await fetch(`${ingest()}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(noKey.status, 401);

    const toolWithoutName = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  ...span,
                  traceId: '5b8efff798038103d269b633813fc60c',
                  name: 'execute_tool',
                  attributes: [],
                },
              ],
            },
          ],
        },
      ],
    };
    const partial = await post('/v1/traces', JSON.stringify(toolWithoutName), {
      'content-type': 'application/json',
    });
    assert.equal(partial.status, 200);
    assert.deepEqual(await partial.json(), {
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: '1 span(s) rejected: execute_tool span has no gen_ai.tool.name',
      },
    });

    await settle();
    assert.equal(await topicSize(admin, TOPICS.events), before);
  });
});
