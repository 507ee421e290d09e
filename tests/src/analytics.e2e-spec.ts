import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS } from '@wink/contracts';
import { issueApiKey, type IssuedKey } from '@wink/persistence';
import {
  connectAdmin,
  newTenant,
  prepareInfrastructure,
  waitForGroupsStable,
} from './harness/infrastructure.js';
import { loadSample, request } from './harness/http.js';
import { Pipeline, recordSamples } from './harness/pipeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface RateRow {
  key: string;
  sessions: number;
  flagged: number;
  rate: number;
}
type Body = Record<string, unknown>;

describe('analytics, labels and tenancy over the labelled history (real Kafka, real Postgres)', () => {
  let db: DataSource;
  let admin: Admin;
  let tenant: IssuedKey;
  const pipeline = new Pipeline({ OUTCOME_SWEEP_MS: '200' });
  const api = () => pipeline.services.api.url;
  const get = <T = Body>(path: string, key = tenant.apiKey) =>
    request<T>(`${api()}${path}`, { apiKey: key });
  const run = randomUUID();
  const looping = loadSample('looping-session', run, new Date(Date.now() - 60_000));
  const clean = loadSample('clean-session', run, new Date(Date.now() - 60_000));
  const loopingId = looping[0].sessionId;
  const cleanId = clean[0].sessionId;

  before(async () => {
    db = await prepareInfrastructure();
    admin = await connectAdmin();
    await pipeline.start();
    await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
    tenant = await newTenant(db);
    // Everything recorded, and the looping session's guidance delivered by long-poll and acked.
    const guidance = await recordSamples(pipeline, db, tenant, looping, clean);
    assert.ok(guidance.length > 0);
    const ack = await request(
      `${pipeline.services.intervention.url}/v1/guidance/${guidance[0].interventionId}/ack`,
      { method: 'POST', apiKey: tenant.apiKey },
    );
    assert.equal(ack.status, 200);
  });

  after(async () => {
    await pipeline.stop();
    await admin?.disconnect();
    await db?.destroy();
  });

  it('gives the misbehaviour rate by category, subtype, agent, model and day', async () => {
    const verdictSubtypes: Array<{ category: string; subtype: string }> = await db.query(
      'SELECT DISTINCT category, subtype FROM verdicts WHERE tenant_id = $1 ORDER BY subtype',
      [tenant.tenantId],
    );
    const byCategory = await get<{ sessions: number; flagged: number; rows: RateRow[] }>(
      '/v1/analytics/misbehaviour-rate?groupBy=category',
    );
    assert.equal(byCategory.status, 200);
    assert.equal(byCategory.body.sessions, 2);
    assert.equal(byCategory.body.flagged, 1, 'the looping session only');
    assert.deepEqual(
      byCategory.body.rows.map((r) => [r.key, r.flagged, r.sessions, r.rate]).sort(),
      [...new Set(verdictSubtypes.map((v) => v.category))].map((c) => [c, 1, 2, 0.5]).sort(),
    );
    const bySubtype = await get<{ rows: RateRow[] }>(
      '/v1/analytics/misbehaviour-rate?groupBy=subtype',
    );
    assert.deepEqual(
      bySubtype.body.rows.map((r) => r.key).sort(),
      verdictSubtypes.map((v) => v.subtype),
    );
    const byAgent = await get<{ rows: RateRow[] }>('/v1/analytics/misbehaviour-rate?groupBy=agent');
    assert.deepEqual(byAgent.body.rows, [
      { key: 'claude-code', sessions: 2, flagged: 1, rate: 0.5 },
    ]);
    const byModel = await get<{ rows: RateRow[] }>(
      '/v1/analytics/misbehaviour-rate?groupBy=model&agent=claude-code',
    );
    assert.deepEqual(byModel.body.rows, [
      { key: 'claude-sonnet-4-5', sessions: 2, flagged: 1, rate: 0.5 },
    ]);
    const byDay = await get<{ rows: RateRow[] }>('/v1/analytics/misbehaviour-rate?groupBy=day');
    assert.equal(
      byDay.body.rows.reduce((n, r) => n + r.sessions, 0),
      2,
    );
    const filtered = await get<{ flagged: number }>(
      `/v1/analytics/misbehaviour-rate?groupBy=day&subtype=destructive_action`,
    );
    assert.equal(filtered.body.flagged, 0, 'no session showed that subtype');
    const before = await get<{ sessions: number }>(
      '/v1/analytics/misbehaviour-rate?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z',
    );
    assert.equal(before.body.sessions, 0, 'the range bounds the sessions');
  });

  it('counts verdicts and guidance, resolution and latency percentiles', async () => {
    const [db_] = await db.query(
      `SELECT (SELECT count(*)::int FROM verdicts WHERE tenant_id = $1) AS verdicts,
              (SELECT count(*)::int FROM guidance WHERE tenant_id = $1) AS guidance`,
      [tenant.tenantId],
    );
    const counts = await get<{
      verdicts: { total: number };
      guidance: { total: number; delivered: number; acknowledged: number };
    }>('/v1/analytics/counts');
    assert.equal(counts.body.verdicts.total, db_.verdicts);
    assert.equal(counts.body.guidance.total, db_.guidance);
    assert.ok(counts.body.guidance.delivered >= 1);
    assert.equal(counts.body.guidance.acknowledged, 1);

    const resolution = await get<{ bySubtype: Array<{ subtype: string; interventions: number }> }>(
      '/v1/analytics/resolution',
    );
    assert.equal(
      resolution.body.bySubtype.reduce((n, s) => n + s.interventions, 0),
      db_.guidance,
    );
    const latency = await get<{
      eventToGuidanceMs: { count: number; p50: number; p99: number };
      eventToDeliveryMs: { count: number };
      deliveryToAckMs: { count: number };
      guidanceToDeliveryMsByChannel: Record<string, { count: number }>;
    }>('/v1/analytics/latency');
    assert.equal(latency.body.eventToGuidanceMs.count, db_.guidance);
    assert.ok(latency.body.eventToGuidanceMs.p50 > 0);
    assert.ok(latency.body.eventToGuidanceMs.p99 >= latency.body.eventToGuidanceMs.p50);
    assert.ok(latency.body.eventToDeliveryMs.count >= 1);
    assert.equal(latency.body.deliveryToAckMs.count, 1);
    assert.ok(latency.body.guidanceToDeliveryMsByChannel.poll.count >= 1);
  });

  it("lists recent sessions and gives one session's timeline with its rollups", async () => {
    const recent = await get<{ sessions: Array<{ sessionId: string; subtypes: string[] }> }>(
      '/v1/sessions?limit=10',
    );
    const ids = recent.body.sessions.map((s) => s.sessionId).sort();
    assert.deepEqual(ids, [cleanId, loopingId].sort());
    assert.deepEqual(recent.body.sessions.find((s) => s.sessionId === cleanId)!.subtypes, []);
    const flagged = await get<{ sessions: Array<{ sessionId: string }> }>(
      '/v1/sessions?flagged=true',
    );
    assert.deepEqual(
      flagged.body.sessions.map((s) => s.sessionId),
      [loopingId],
    );

    const t = await get<{
      session: Record<string, number>;
      steps: Array<{ seq: number; kind: string; summary: string }>;
      verdicts: Array<{ atSeq: number }>;
      guidance: Array<{
        deliveredAt: string | null;
        acknowledgedAt: string | null;
        deliveries: Array<{ channel: string }>;
      }>;
      outcome: { interventions: number };
    }>(`/v1/sessions/${loopingId}/timeline`);
    assert.equal(t.status, 200);
    assert.deepEqual(
      t.body.steps.map((s) => s.seq),
      looping.map((e) => e.seq),
    );
    const failures = looping.filter((e) => e.kind === 'tool_result' && !e.result!.ok).length;
    const tokens = looping
      .filter((e) => e.usage)
      .reduce((n, e) => n + e.usage!.inputTokens + e.usage!.outputTokens, 0);
    assert.equal(t.body.session.toolFailures, failures);
    assert.equal(t.body.session.tokens, tokens);
    assert.equal(t.body.session.toolCalls, looping.filter((e) => e.kind === 'tool_call').length);
    assert.ok(t.body.verdicts.length >= 1);
    assert.equal(t.body.outcome.interventions, t.body.guidance.length);
    assert.ok(
      t.body.guidance.some(
        (g) => g.acknowledgedAt && g.deliveries.some((d) => d.channel === 'poll'),
      ),
    );
    assert.ok(t.body.steps.find((s) => s.kind === 'tool_call')!.summary.length > 0);
  });

  it('labels verdicts and sessions, computes precision per detector, and exports what wink eval reads', async () => {
    const verdicts: Array<{
      verdict_id: string;
      detector: string;
      subtype: string;
      category: string;
      at_seq: number;
    }> = await db.query(
      'SELECT verdict_id, detector, subtype, category, at_seq::int AS at_seq FROM verdicts WHERE tenant_id = $1 ORDER BY at_seq',
      [tenant.tenantId],
    );
    assert.ok(verdicts.length >= 2, 'the looping sample yields at least two verdicts');
    const [right, wrong] = verdicts;
    const post = (path: string, body: unknown) =>
      request(`${api()}${path}`, { apiKey: tenant.apiKey, body });
    const tp = await post(`/v1/verdicts/${right.verdict_id}/labels`, {
      judgement: 'true_positive',
      labelledBy: 'ana',
    });
    assert.equal(tp.status, 201);
    // A person changes their mind: the later judgement replaces the earlier one.
    await post(`/v1/verdicts/${wrong.verdict_id}/labels`, {
      judgement: 'true_positive',
      labelledBy: 'ana',
    });
    const fp = await post(`/v1/verdicts/${wrong.verdict_id}/labels`, {
      judgement: 'false_positive',
      note: 'the retries changed the arguments',
      labelledBy: 'ana',
    });
    assert.equal(fp.status, 201);
    const cleanLabel = await post(`/v1/sessions/${cleanId}/labels`, {
      judgement: 'clean',
      labelledBy: 'ben',
    });
    assert.equal(cleanLabel.status, 201);
    const bad = await post(`/v1/sessions/${cleanId}/labels`, {
      judgement: 'misbehaved',
      category: 'tool_call_failure',
      subtype: 'repetitive_loop',
      labelledBy: 'ben',
    });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { field: string }).field, 'subtype');

    // The CLI labels a session through the same API.
    const cli = spawnSync(
      process.execPath,
      [
        `${ROOT}tools/cli/bin/wink.js`,
        'label',
        'session',
        loopingId,
        '--judgement',
        'misbehaved',
        '--subtype',
        'no_progress',
        '--step',
        '9',
        '--by',
        'cli-user',
        '--api-url',
        api(),
        '--key',
        tenant.apiKey,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /labelled session .* misbehaved/);

    const precision = await get<{
      detectors: Array<{
        detector: string;
        subtype: string;
        labelled: number;
        truePositives: number;
        precision: number;
      }>;
    }>('/v1/labels/precision');
    const expected = new Map<string, { labelled: number; tp: number }>();
    for (const [v, isTp] of [
      [right, true],
      [wrong, false],
    ] as const) {
      const key = `${v.detector}|${v.subtype}`;
      const e = expected.get(key) ?? { labelled: 0, tp: 0 };
      expected.set(key, { labelled: e.labelled + 1, tp: e.tp + (isTp ? 1 : 0) });
    }
    assert.deepEqual(
      precision.body.detectors
        .map((d) => [`${d.detector}|${d.subtype}`, d.labelled, d.truePositives, d.precision])
        .sort(),
      [...expected].map(([k, e]) => [k, e.labelled, e.tp, e.tp / e.labelled]).sort(),
    );

    const dir = mkdtempSync(join(tmpdir(), 'wink-labels-'));
    const exported = spawnSync(
      process.execPath,
      [
        `${ROOT}tools/cli/bin/wink.js`,
        'labels',
        'export',
        '--out',
        `${dir}/labels.jsonl`,
        '--api-url',
        api(),
        '--key',
        tenant.apiKey,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(exported.status, 0, exported.stderr);
    const sessions = readFileSync(`${dir}/labels.jsonl`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(
        (line) =>
          JSON.parse(line) as {
            sessionId: string;
            format: string;
            events: unknown[];
            labels: Array<{ category: string; subtype?: string; step?: number }>;
          },
      );
    assert.ok(sessions.every((s) => s.format === 'wink-events'));
    const byId = new Map(sessions.map((s) => [s.sessionId, s]));
    assert.deepEqual([...byId.keys()].sort(), [cleanId, loopingId].sort());
    assert.deepEqual(byId.get(cleanId)!.labels, [], 'a clean session has no labels');
    assert.equal(byId.get(loopingId)!.events.length, looping.length);
    assert.deepEqual(
      byId
        .get(loopingId)!
        .labels.map((l) => [l.subtype, l.step])
        .sort(),
      [
        [right.subtype, right.at_seq],
        ['no_progress', 9],
      ].sort(),
    );
    const evaluated = spawnSync(
      process.execPath,
      [`${ROOT}tools/cli/bin/wink.js`, 'eval', `${dir}/labels.jsonl`, '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const report = JSON.parse(evaluated.stdout) as {
      sessions: number;
      clean: number;
      bySubtype: Record<string, { support: number; tp: number }>;
    };
    assert.equal(report.sessions, 2, 'wink eval scores the exported sessions');
    assert.equal(report.clean, 1);
    assert.deepEqual(report.bySubtype[right.subtype], {
      ...report.bySubtype[right.subtype],
      support: 1,
      tp: 1,
    });
  });

  it('refuses tenant B every view of tenant A’s analytics, sessions, labels and experiments', async () => {
    const b = await newTenant(db);
    const [verdict] = await db.query(
      'SELECT verdict_id FROM verdicts WHERE tenant_id = $1 LIMIT 1',
      [tenant.tenantId],
    );
    const started = await request<{ experimentId: string }>(`${api()}/v1/experiments`, {
      apiKey: tenant.apiKey,
      body: { name: 'a-only', treatmentShare: 0.5 },
    });
    assert.equal(started.status, 201);
    const experimentId = started.body.experimentId;

    assert.equal(
      (await get<{ sessions: number }>('/v1/analytics/misbehaviour-rate', b.apiKey)).body.sessions,
      0,
    );
    assert.equal(
      (await get<{ verdicts: { total: number } }>('/v1/analytics/counts', b.apiKey)).body.verdicts
        .total,
      0,
    );
    assert.deepEqual(
      (await get<{ bySubtype: unknown[] }>('/v1/analytics/resolution', b.apiKey)).body.bySubtype,
      [],
    );
    assert.equal(
      (await get<{ eventToGuidanceMs: { count: number } }>('/v1/analytics/latency', b.apiKey)).body
        .eventToGuidanceMs.count,
      0,
    );
    assert.deepEqual((await get('/v1/sessions', b.apiKey)).body, { sessions: [] });
    assert.equal((await get(`/v1/sessions/${loopingId}/timeline`, b.apiKey)).status, 404);
    assert.deepEqual((await get(`/v1/sessions/${loopingId}/labels`, b.apiKey)).body, {
      labels: [],
    });
    assert.deepEqual((await get('/v1/labels/precision', b.apiKey)).body, { detectors: [] });
    const exported = await fetch(`${api()}/v1/labels/export`, {
      headers: { authorization: `Bearer ${b.apiKey}` },
    });
    assert.equal(await exported.text(), '');
    const labelA = (path: string, body: unknown) =>
      request(`${api()}${path}`, { apiKey: b.apiKey, body });
    assert.equal(
      (
        await labelA(`/v1/verdicts/${verdict.verdict_id}/labels`, {
          judgement: 'false_positive',
          labelledBy: 'mallory',
        })
      ).status,
      404,
    );
    assert.equal(
      (
        await labelA(`/v1/sessions/${loopingId}/labels`, {
          judgement: 'clean',
          labelledBy: 'mallory',
        })
      ).status,
      404,
    );
    assert.deepEqual((await get('/v1/experiments', b.apiKey)).body, { experiments: [] });
    assert.equal((await get(`/v1/experiments/${experimentId}/results`, b.apiKey)).status, 404);
    assert.equal((await labelA(`/v1/experiments/${experimentId}/stop`, {})).status, 404);
    assert.equal((await get('/v1/analytics/counts', 'wink_not-a-key')).status, 401);
    assert.equal((await get('/v1/analytics/counts', '')).status, 401);

    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM labels WHERE labelled_by = 'mallory'`,
    );
    assert.equal(n, 0, 'no label of B reached A’s history');
    const stopped = await request(`${api()}/v1/experiments/${experimentId}/stop`, {
      apiKey: tenant.apiKey,
      body: {},
    });
    assert.equal(stopped.status, 200, 'A’s experiment was untouched by B');
  });

  it("sets a tenant's event retention on ingest: bounded, admin only, 400 naming the field", async () => {
    const put = (body: unknown, apiKey = tenant.apiKey) =>
      request<Body>(`${pipeline.services.ingest.url}/v1/settings/retention`, {
        method: 'PUT',
        apiKey,
        body,
      });
    for (const bad of [{ days: 0 }, { days: 366 }, { days: 7.5 }, { days: '30' }, {}]) {
      const res = await put(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.field, 'days');
    }
    const [{ name }] = await db.query('SELECT name FROM tenants WHERE id = $1', [tenant.tenantId]);
    const readOnly = await issueApiKey(db, name, ['read']);
    assert.equal((await put({ days: 7 }, readOnly.apiKey)).status, 403);

    await db.query(
      `UPDATE tenants SET retention_trimmed_through = current_date, retention_trimmed_days = 30
        WHERE id = $1`,
      [tenant.tenantId],
    );
    assert.deepEqual((await put({ days: 90 })).body, { days: 90 });
    const read = await request<Body>(`${pipeline.services.ingest.url}/v1/settings/retention`, {
      apiKey: tenant.apiKey,
    });
    assert.deepEqual(read.body, { days: 90 });
    const [{ retention_days, trimmed }] = await db.query(
      'SELECT retention_days, retention_trimmed_through AS trimmed FROM tenants WHERE id = $1',
      [tenant.tenantId],
    );
    assert.equal(retention_days, 90);
    assert.equal(
      trimmed,
      null,
      'the next maintenance trims its whole history for the new retention',
    );
    assert.deepEqual((await put({ days: null })).body, { days: null }, 'back to the global one');
  });

  it('serves its OpenAPI document', async () => {
    const doc = await request<{ openapi: string; paths: Record<string, unknown> }>(
      `${api()}/docs-json`,
    );
    assert.equal(doc.status, 200);
    for (const path of [
      '/v1/analytics/misbehaviour-rate',
      '/v1/analytics/latency',
      '/v1/sessions/{sessionId}/timeline',
      '/v1/verdicts/{verdictId}/labels',
      '/v1/experiments/{experimentId}/results',
    ])
      assert.ok(doc.body.paths[path], `documents ${path}`);
  });
});
