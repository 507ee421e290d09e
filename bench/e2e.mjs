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
const { loopingSession, percentile: pct, sendAtRate } = await import('./lib/load.mjs');

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
// The service's own rollup cadence, not the tests' quicker one.
const pipeline = new Pipeline({ LOG_LEVEL: 'error', ROLLUP_REFRESH_MS: '1000' });
try {
  await pipeline.start();
  await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  const { tenantId, apiKey } = await infra.newTenant(db);
  const run = Date.now().toString(36);
  const { sent, seconds: elapsed } = await sendAtRate({
    url: pipeline.services.ingest.url,
    apiKey,
    rate,
    seconds,
    nextSession: (n) => loopingSession(`bench-${run}-${n}`),
  });
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
