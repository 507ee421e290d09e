// bench/e2e: drives looping agent sessions through the whole pipeline (ingest → Kafka →
// classifier → intervention, real broker and Postgres) at a given event rate and prints the
// event → guidance latency percentiles, where the time goes, and the rate achieved.
//   npm run bench:e2e -- [--rate 5000] [--seconds 20]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '20' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';

const { Pipeline } = await import('../tests/dist/harness/pipeline.js');
const infra = await import('../tests/dist/harness/infrastructure.js');
const { CONSUMER_GROUPS, TOPICS } = await import('@wink/contracts');

const TICK_MS = 20;
const CALLS_PER_SESSION = 10;
const FAILURE =
  'FAIL tests/dates.test.ts > parses ISO weeks\nAssertionError: expected 2024-12-30 to equal 2024-01-01';

function* sessionEvents(id) {
  const base = { sessionId: id, agent: { name: 'bench-agent', model: 'scripted' }, env: 'dev' };
  let seq = 0;
  const ev = (body) => ({
    ...base,
    eventId: `${id}-${seq}`,
    seq: seq++,
    ts: new Date().toISOString(),
    ...body,
  });
  yield ev({ kind: 'task', role: 'user', text: 'Fix the failing date test.' });
  for (let i = 0; i < CALLS_PER_SESSION; i++) {
    yield ev({
      kind: 'tool_call',
      role: 'assistant',
      tool: { name: 'Bash', args: { command: 'npm test' }, callId: `c${i}` },
    });
    yield ev({
      kind: 'tool_result',
      role: 'tool',
      result: { callId: `c${i}`, ok: false, exitCode: 1, output: FAILURE },
    });
  }
}

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
// The service's own rollup cadence, not the tests' quicker one.
const pipeline = new Pipeline({ LOG_LEVEL: 'error', ROLLUP_REFRESH_MS: '1000' });
try {
  await pipeline.start();
  await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  const { tenantId, apiKey } = await infra.newTenant(db);
  const url = `${pipeline.services.ingest.url}/v1/events`;
  const run = Date.now().toString(36);
  const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
  const live = [];
  let nextSession = 0;
  let sent = 0;
  const started = Date.now();
  const inFlight = new Set();
  for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
    const batch = [];
    while (batch.length < perTick) {
      // Keep ~50 agents active at once, interleaving their steps as concurrent agents do.
      while (live.length < 50) live.push(sessionEvents(`bench-${run}-${nextSession++}`));
      const i = batch.length % live.length;
      const next = live[i].next();
      if (next.done) live.splice(i, 1);
      else batch.push(next.value);
    }
    const post = fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: batch }),
    }).then(async (res) => {
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      sent += batch.length;
    });
    inFlight.add(post);
    post.finally(() => inFlight.delete(post));
    const due = started + (tick + 1) * TICK_MS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  await infra.waitForDrained(admin, CONSUMER_GROUPS.classifier, [TOPICS.events], 120_000);
  await infra.waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts], 120_000);
  const rows = await db.query(
    `SELECT extract(epoch FROM g.created_at - g.source_received_at) * 1000 AS total,
            extract(epoch FROM v.created_at - g.source_received_at) * 1000 AS classify,
            extract(epoch FROM g.created_at - v.created_at) * 1000 AS intervene
       FROM guidance g JOIN verdicts v ON v.verdict_id = g.verdict_ids[1]
      WHERE g.tenant_id = $1`,
    [tenantId],
  );
  const series = (k) => rows.map((r) => Number(r[k])).sort((a, b) => a - b);
  const line = (name, s) =>
    `${name.padEnd(34)} p50 ${pct(s, 50).toFixed(1)} ms  p95 ${pct(s, 95).toFixed(1)} ms  p99 ${pct(s, 99).toFixed(1)} ms`;
  console.log(
    `target ${rate} events/s for ${seconds} s; sent ${sent} events in ${elapsed.toFixed(1)} s = ${Math.round(sent / elapsed)} events/s accepted`,
  );
  console.log(
    `${rows.length} guidance issued (one per looping session; verdicts recorded: see the verdicts table)`,
  );
  if (rows.length) {
    console.log(line('event → guidance available', series('total')));
    console.log(line('  of which ingest → verdict', series('classify')));
    console.log(line('  of which verdict → guidance', series('intervene')));
  }
} finally {
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
  await infra.removeOwnRunTopics();
}
