// bench/analytics: seeds one tenant's history of 1,000,000 events (20,000 sessions of 50 steps over
// 30 days, ~30% of them with verdicts, their guidance, deliveries, labels and an experiment) into a
// scratch database, starts the api service on it, and prints the latency of every dashboard query
// through HTTP. Target: ≤ 50 ms per query. Then a batch of new sessions arrives (--arrivals, spread
// over the same 30 days, with their verdicts) and the daily-rates refresh is timed: incremental
// (what the recorder does) against recomputing the days they touched from scratch (what it did).
//   npm run bench:analytics -- [--sessions 20000] [--steps 50] [--runs 30] [--arrivals 200] [--reseed]
import { parseArgs } from 'node:util';
import { ServiceProcess } from '../tests/dist/harness/service-process.js';
import {
  COHORT_POINT_SQL,
  createDataSource,
  ensureDatabase,
  issueApiKey,
  maintainEventPartitions,
  refreshDailyRates,
} from '@wink/persistence';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '20000' },
    steps: { type: 'string', default: '50' },
    runs: { type: 'string', default: '30' },
    arrivals: { type: 'string', default: '200' },
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
await maintainEventPartitions(db);

/**
 * Writes `sessions` sessions (`bench_sessions`, numbered from `first`) of STEPS events each, their
 * session rows and, for ~30% of them, verdicts and misbehaviours, as the recorder would.
 */
async function writeSessions(tenantId, prefix, first, sessions) {
  await db.query('DROP TABLE IF EXISTS bench_sessions');
  await db.query(`CREATE TEMP TABLE bench_sessions AS
    SELECT i, '${prefix}' || i AS session_id,
           now() - (random() * 30) * interval '1 day' AS start,
           (ARRAY['claude-code','codex','swe-agent','openhands','aider'])[1 + i % 5] AS agent,
           (ARRAY['claude-sonnet-4-5','gpt-5','qwen3-coder','gemini-2.5-pro'])[1 + (i / 5) % 4] AS model,
           random() < 0.3 AS flagged
      FROM generate_series(${first}, ${first + sessions - 1}) i`);
  await db.query('ANALYZE bench_sessions');
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
  // The rollups, as the recorder keeps them (the triggers mark the sessions for the daily rates).
  await db.query(
    `INSERT INTO sessions (tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq,
                           event_count, first_received_at, tool_calls, tool_failures, tokens, human_interventions, cohort_point)
     SELECT tenant_id, session_id, min(payload->'agent'->>'name'), min(payload->'agent'->>'model'), 'production',
            min(ts), max(ts), max(seq), count(*), min(received_at),
            count(*) FILTER (WHERE kind = 'tool_call'),
            count(*) FILTER (WHERE kind = 'tool_result' AND payload->'result'->>'ok' = 'false'),
            coalesce(sum((payload->'usage'->>'inputTokens')::bigint + (payload->'usage'->>'outputTokens')::bigint) FILTER (WHERE kind = 'usage'), 0),
            count(*) FILTER (WHERE kind = 'human_intervention'), ${COHORT_POINT_SQL('session_id')}
       FROM events WHERE tenant_id = $1 AND session_id IN (SELECT session_id FROM bench_sessions)
      GROUP BY tenant_id, session_id`,
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
       FROM verdicts WHERE tenant_id = $1 AND session_id IN (SELECT session_id FROM bench_sessions)
      GROUP BY tenant_id, session_id, subtype`,
    [tenantId],
  );
}

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
      'daily_rates',
      'session_rollups',
      'daily_rates_dirty_sessions',
    ])
      await db.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [old.id]);
  }
  const { tenantId, apiKey } = await issueApiKey(db, TENANT);
  const started = Date.now();
  await writeSessions(tenantId, 'bench-', 1, SESSIONS);
  // The daily rates, by the recorder's own code.
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

// The daily-rates refresh after a batch of arrivals, three rounds: incremental (the recorder's)
// against recomputing the touched days from scratch (a read of what the old refresh rewrote).
const RECOMPUTE_DAYS_SQL = `WITH scoped AS (
    SELECT s.tenant_id, s.session_id, s.agent_name, coalesce(s.model, '') AS model,
           (s.first_seen_at AT TIME ZONE 'UTC')::date AS day
      FROM unnest($2::date[]) d
      JOIN sessions s ON s.tenant_id = $1 AND s.first_seen_at >= d::timestamp AT TIME ZONE 'UTC'
                     AND s.first_seen_at < (d + 1)::timestamp AT TIME ZONE 'UTC'
  ), shown AS (
    SELECT sc.*, m.category, m.subtype FROM scoped sc
      JOIN session_misbehaviours m ON m.tenant_id = sc.tenant_id AND m.session_id = sc.session_id
  )
  SELECT count(*)::int AS n FROM (
    SELECT day, agent_name, model, count(*),
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m
                              WHERE m.tenant_id = scoped.tenant_id AND m.session_id = scoped.session_id))
      FROM scoped GROUP BY day, agent_name, model
    UNION ALL SELECT day, agent_name, model, count(DISTINCT session_id), 0 FROM shown GROUP BY day, agent_name, model, category
    UNION ALL SELECT day, agent_name, model, count(*), 0 FROM shown GROUP BY day, agent_name, model, subtype) x`;
const [{ id: tenantId }] = await db.query('SELECT id FROM tenants WHERE name = $1', [TENANT]);
const ARRIVALS = Number(values.arrivals);
const rounds = [];
for (let round = 0; round < 3; round++) {
  await writeSessions(tenantId, `arrival-${Date.now().toString(36)}-`, 1, ARRIVALS);
  const days = (
    await db.query(
      `SELECT DISTINCT to_char(start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM bench_sessions`,
    )
  ).map((r) => r.day);
  const t0 = performance.now();
  await db.query(RECOMPUTE_DAYS_SQL, [tenantId, days]);
  const recomputeMs = performance.now() - t0;
  const t1 = performance.now();
  let refreshed = 0;
  for (let n = await refreshDailyRates(db); n > 0; n = await refreshDailyRates(db)) refreshed += n;
  rounds.push({ incrementalMs: performance.now() - t1, recomputeMs, refreshed, days: days.length });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [{ events: historyEvents }] = await db.query(
  'SELECT count(*)::int AS events FROM events WHERE tenant_id = $1',
  [tenantId],
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
const inc = median(rounds.map((r) => r.incrementalMs));
const full = median(rounds.map((r) => r.recomputeMs));
console.log(
  `\ndaily-rates refresh after ${ARRIVALS} new sessions (${(ARRIVALS * STEPS).toLocaleString('en')} events, ` +
    `${rounds[0].days} days touched) over ${historyEvents.toLocaleString('en')} events of history, median of ${rounds.length}:`,
);
console.log(
  `  incremental: ${inc.toFixed(1)} ms (${rounds[0].refreshed} sessions); recomputing the touched days: ${full.toFixed(1)} ms (${(full / inc).toFixed(1)}×)`,
);
