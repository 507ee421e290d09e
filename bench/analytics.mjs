// bench/analytics: seeds one tenant's history of 1,000,000 events (20,000 sessions of 50 steps over
// 30 days, ~30% of them with verdicts, their guidance, deliveries, labels and an experiment) into a
// scratch database, starts the api service on it, and prints the latency of every dashboard query
// through HTTP. Target: ≤ 50 ms per query.
//   npm run bench:analytics -- [--sessions 20000] [--steps 50] [--runs 30] [--reseed]
import { parseArgs } from 'node:util';
import { ServiceProcess } from '../tests/dist/harness/service-process.js';
import {
  COHORT_POINT_SQL,
  createDataSource,
  ensureDatabase,
  issueApiKey,
  refreshDailyRates,
} from '@wink/persistence';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '20000' },
    steps: { type: 'string', default: '50' },
    runs: { type: 'string', default: '30' },
    reseed: { type: 'boolean', default: false },
  },
});
const SESSIONS = Number(values.sessions);
const STEPS = Number(values.steps);
const URL_ =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wink_bench_analytics';
const TENANT = `bench-analytics-${SESSIONS}x${STEPS}`;

await ensureDatabase(URL_);
const db = await createDataSource(URL_, 2).initialize();
await db.runMigrations({ transaction: 'each' });

async function seed() {
  const [old] = await db.query('SELECT id FROM tenants WHERE name = $1', [TENANT]);
  if (old && !values.reseed) {
    console.log('reusing the seeded history (--reseed to seed it again)');
    return (await issueApiKey(db, TENANT)).apiKey;
  }
  if (old) {
    for (const table of [
      'events',
      'sessions',
      'verdicts',
      'session_misbehaviours',
      'guidance',
      'deliveries',
      'labels',
      'experiments',
    ])
      await db.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [old.id]);
  }
  const { tenantId, apiKey } = await issueApiKey(db, TENANT);
  const started = Date.now();
  await db.query(`CREATE TEMP TABLE bench_sessions AS
    SELECT i, 'bench-' || i AS session_id,
           now() - (random() * 30) * interval '1 day' AS start,
           (ARRAY['claude-code','codex','swe-agent','openhands','aider'])[1 + i % 5] AS agent,
           (ARRAY['claude-sonnet-4-5','gpt-5','qwen3-coder','gemini-2.5-pro'])[1 + (i / 5) % 4] AS model,
           random() < 0.3 AS flagged
      FROM generate_series(1, ${SESSIONS}) i`);
  await db.query(
    `INSERT INTO events (tenant_id, event_id, session_id, seq, kind, ts, received_at, payload)
     SELECT $1, s.session_id || '-' || n, s.session_id, n, k.kind, s.start + n * interval '5 seconds',
            s.start + n * interval '5 seconds' + interval '30 milliseconds',
            jsonb_build_object('eventId', s.session_id || '-' || n, 'sessionId', s.session_id, 'seq', n,
              'ts', s.start + n * interval '5 seconds', 'kind', k.kind,
              'agent', jsonb_build_object('name', s.agent, 'model', s.model), 'env', 'production')
            || CASE k.kind
                 WHEN 'task' THEN jsonb_build_object('text', 'Fix the failing date test in src/dateparse; do not change the tests.')
                 WHEN 'tool_call' THEN jsonb_build_object('tool', jsonb_build_object('name', 'Bash', 'callId', 'c' || n,
                                         'args', jsonb_build_object('command', 'pytest tests/test_core.py -q -k case' || (n % 7))))
                 WHEN 'tool_result' THEN jsonb_build_object('result', jsonb_build_object('callId', 'c' || (n - 1),
                                         'ok', random() > 0.15, 'exitCode', 0, 'output', repeat('collected 12 items ', 8)))
                 WHEN 'usage' THEN jsonb_build_object('usage', jsonb_build_object('inputTokens', 20000 + (random() * 80000)::int,
                                         'outputTokens', 500 + (random() * 4000)::int))
                 ELSE jsonb_build_object('text', 'Moving on to the next failing case.')
               END
       FROM bench_sessions s, generate_series(0, ${STEPS - 1}) n,
            LATERAL (SELECT CASE WHEN n = 0 THEN 'task' WHEN n = ${STEPS - 1} THEN 'usage'
                                 WHEN n % 10 = 9 THEN (CASE WHEN random() < 0.02 THEN 'human_intervention' ELSE 'message' END)
                                 WHEN n % 2 = 1 THEN 'tool_call' ELSE 'tool_result' END AS kind) k`,
    [tenantId],
  );
  // The rollups, as the recorder keeps them.
  await db.query(
    `INSERT INTO sessions (tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq,
                           event_count, first_received_at, tool_calls, tool_failures, tokens, human_interventions, cohort_point)
     SELECT tenant_id, session_id, min(payload->'agent'->>'name'), min(payload->'agent'->>'model'), 'production',
            min(ts), max(ts), max(seq), count(*), min(received_at),
            count(*) FILTER (WHERE kind = 'tool_call'),
            count(*) FILTER (WHERE kind = 'tool_result' AND payload->'result'->>'ok' = 'false'),
            coalesce(sum((payload->'usage'->>'inputTokens')::bigint + (payload->'usage'->>'outputTokens')::bigint) FILTER (WHERE kind = 'usage'), 0),
            count(*) FILTER (WHERE kind = 'human_intervention'), ${COHORT_POINT_SQL('session_id')}
       FROM events WHERE tenant_id = $1 GROUP BY tenant_id, session_id`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO verdicts (verdict_id, tenant_id, session_id, category, subtype, signature, confidence, detector,
                           at_seq, from_seq, to_seq, reason, created_at)
     SELECT gen_random_uuid(), $1, s.session_id, st.category, st.subtype, 'sig-' || v, 0.9,
            'rules/' || st.subtype || '@1', 10 + v * 7, 4 + v * 7, 10 + v * 7, 'seeded for the benchmark',
            s.start + (10 + v * 7) * interval '5 seconds' + interval '60 milliseconds'
       FROM bench_sessions s, generate_series(0, (s.i % 3)) v,
            LATERAL (SELECT (ARRAY['reasoning_problem','tool_call_failure','tool_call_failure','specification_drift','reasoning_problem'])[1 + (s.i + v) % 5] AS category,
                            (ARRAY['repetitive_loop','nonexistent_resource','repeated_tool_error','did_not_follow_instructions','no_progress'])[1 + (s.i + v) % 5] AS subtype) st
      WHERE s.flagged`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO session_misbehaviours
     SELECT tenant_id, session_id, subtype, min(category), count(*), min(at_seq), min(created_at)
       FROM verdicts WHERE tenant_id = $1 GROUP BY tenant_id, session_id, subtype`,
    [tenantId],
  );
  // The daily rates, recomputed by the recorder's own code for every day just written.
  await db.query(
    `INSERT INTO daily_rates_dirty SELECT DISTINCT tenant_id, (first_seen_at AT TIME ZONE 'UTC')::date
       FROM sessions WHERE tenant_id = $1 ON CONFLICT DO NOTHING`,
    [tenantId],
  );
  while ((await refreshDailyRates(db)) > 0);
  await db.query(
    `INSERT INTO guidance (intervention_id, tenant_id, session_id, verdict_ids, category, subtype, signature,
                           severity, text, cohort, at_seq, source_received_at, created_at, delivered_at, acked_at,
                           outcome, outcome_at, delivered_seq)
     SELECT gen_random_uuid(), tenant_id, session_id, ARRAY[verdict_id], category, subtype, signature, 'nudge',
            'You ran the same failing command again; read the error and change the approach.', 'treatment', at_seq,
            created_at - (20 + random() * 200) * interval '1 millisecond', created_at,
            created_at + (30 + random() * 300) * interval '1 millisecond',
            created_at + (500 + random() * 3000) * interval '1 millisecond',
            CASE WHEN random() < 0.85 THEN 'resolved' ELSE 'recurred' END, created_at + interval '1 minute', at_seq + 1
       FROM verdicts WHERE tenant_id = $1`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO deliveries (intervention_id, channel, tenant_id, status, attempts, created_at, delivered_at)
     SELECT intervention_id, 'poll', tenant_id, 'delivered', 1, created_at, delivered_at FROM guidance WHERE tenant_id = $1`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO labels (tenant_id, session_id, verdict_id, judgement, labelled_by)
     SELECT tenant_id, session_id, verdict_id, CASE WHEN random() < 0.8 THEN 'true_positive' ELSE 'false_positive' END, 'bench'
       FROM verdicts WHERE tenant_id = $1 ORDER BY random() LIMIT 2000`,
    [tenantId],
  );
  await db.query(
    `INSERT INTO experiments (tenant_id, name, treatment_share, started_at)
     VALUES ($1, 'guidance on vs off', 0.5, now() - interval '31 days')`,
    [tenantId],
  );
  await db.query('ANALYZE');
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [
    tenantId,
  ]);
  console.log(
    `seeded ${n.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return apiKey;
}

const apiKey = await seed();
const [{ experiment_id: experimentId }] = await db.query(
  'SELECT experiment_id FROM experiments e JOIN tenants t ON t.id = e.tenant_id WHERE t.name = $1',
  [TENANT],
);
const counts = await db.query(
  `SELECT (SELECT count(*)::int FROM sessions s JOIN tenants t ON t.id = s.tenant_id WHERE t.name = $1) AS sessions,
          (SELECT count(*)::int FROM verdicts v JOIN tenants t ON t.id = v.tenant_id WHERE t.name = $1) AS verdicts,
          (SELECT count(*)::int FROM guidance g JOIN tenants t ON t.id = g.tenant_id WHERE t.name = $1) AS guidance`,
  [TENANT],
);
await db.destroy();

const api = new ServiceProcess('api', Number(process.env.BENCH_API_PORT ?? 3290), {
  DATABASE_URL: URL_,
  API_PORT: process.env.BENCH_API_PORT ?? '3290',
  LOG_LEVEL: 'error',
});
await api.start();

const to = new Date().toISOString();
const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
const range = `from=${from}&to=${to}`;
const queries = {
  'rate by day': `/v1/analytics/misbehaviour-rate?groupBy=day&${range}`,
  'rate by category': `/v1/analytics/misbehaviour-rate?groupBy=category&${range}`,
  'rate by subtype': `/v1/analytics/misbehaviour-rate?groupBy=subtype&${range}`,
  'rate by agent': `/v1/analytics/misbehaviour-rate?groupBy=agent&${range}`,
  'rate by model, one subtype': `/v1/analytics/misbehaviour-rate?groupBy=model&subtype=repetitive_loop&${range}`,
  counts: `/v1/analytics/counts?${range}`,
  resolution: `/v1/analytics/resolution?${range}`,
  'latency percentiles': `/v1/analytics/latency?${range}`,
  'recent sessions': '/v1/sessions?limit=25',
  'session timeline': '/v1/sessions/bench-4242/timeline',
  'A/B results': `/v1/experiments/${experimentId}/results`,
  'detector precision': '/v1/labels/precision',
};

const runs = Number(values.runs);
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const rows = [];
try {
  for (const [name, path] of Object.entries(queries)) {
    const times = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      const res = await fetch(`${api.url}${path}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      await res.text();
      if (!res.ok) throw new Error(`${name}: ${res.status}`);
      if (i >= 3) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    rows.push({ name, p50: pct(times, 0.5), p95: pct(times, 0.95), max: times.at(-1) });
  }
} finally {
  await api.stop();
}

const [c] = counts;
console.log(
  `\nanalytics over ${c.sessions.toLocaleString('en')} sessions, ${c.verdicts.toLocaleString('en')} verdicts, ${c.guidance.toLocaleString('en')} guidance; ${runs} runs each, through HTTP (ms):`,
);
console.log(
  `${'query'.padEnd(28)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  ≤ 50 ms`,
);
for (const r of rows)
  console.log(
    `${r.name.padEnd(28)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${r.max.toFixed(1).padStart(7)}  ${r.p95 <= 50 ? 'yes' : 'NO'}`,
  );
