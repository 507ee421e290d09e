// bench/consumer-cost: CPU µs per event of the classifier and of the recorder plus its Postgres
// backends, from the operating system's own accounting (/proc), while each drains a fixed mixed
// backlog put straight on the events topic. Real broker and Postgres, one service at a time.
//   npm run bench:consumer-cost -- [--events 100000] [--sessions 2000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mixedEventRecord } from './lib/mixed-backlog.mjs';
import { ensureBroker } from './lib/broker.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    sessions: { type: 'string', default: '2000' },
  },
});
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';
ensureBroker();
const { Pipeline } = await import('../tests/dist/harness/pipeline.js');
const infra = await import('../tests/dist/harness/infrastructure.js');
const { CONSUMER_GROUPS, TOPICS } = await import('@wink/contracts');
const { createKafka, TypedProducer } = await import('@wink/kafka');

const TICKS_PER_SECOND = 100;
/** User plus system CPU of a process, in microseconds (fields 14 and 15 of /proc/PID/stat). */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0; // a backend that ended
  }
}

const n = Number(values.events);
const sessions = Number(values.sessions);
const START_MS = Date.UTC(2026, 10, 23, 10, 0, 0);
function record(tenantId, run, i) {
  const value = mixedEventRecord({ tenantId, run, i, sessions, startMs: START_MS });
  return { key: value.event.sessionId, value };
}

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
const pipeline = new Pipeline({ LOG_LEVEL: 'error', ROLLUP_REFRESH_MS: '1000' });
const producer = new TypedProducer(createKafka({ brokers: infra.BROKERS, clientId: 'bench' }));
await producer.connect();
const { tenantId } = await infra.newTenant(db);
const [{ database }] = await db.query('SELECT current_database() AS database');

async function backendsCpu() {
  const rows = await db.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return rows.reduce((sum, r) => sum + cpuMicros(r.pid), 0);
}

/** Starts one service, lets it catch up, then times its CPU over draining a fresh backlog. */
async function measure(name, group) {
  const service = pipeline.services[name];
  await service.start();
  await infra.waitForGroupsStable(admin, [group]);
  await infra.waitForDrained(admin, group, [TOPICS.events], 300_000);
  const pid = service.child.pid;
  const run = `${name}-${Date.now().toString(36)}`;
  const cpu0 = cpuMicros(pid);
  const pg0 = await backendsCpu();
  const started = Date.now();
  for (let i = 0; i < n; i += 5000) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 5000); j++) batch.push(record(tenantId, run, j));
    await producer.send(TOPICS.events, batch);
  }
  await infra.waitForDrained(admin, group, [TOPICS.events], 600_000);
  const seconds = (Date.now() - started) / 1000;
  const service_us = (cpuMicros(pid) - cpu0) / n;
  const pg_us = (await backendsCpu()) - pg0;
  await service.stop();
  return { service_us, pg_us: pg_us / n, seconds };
}

try {
  const recorder = await measure('recorder', CONSUMER_GROUPS.recorder);
  const classifier = await measure('classifier', CONSUMER_GROUPS.classifier);
  const [{ stored }] = await db.query(
    'SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1',
    [tenantId],
  );
  console.log(
    `${n.toLocaleString('en-US')} events over ${sessions} sessions, one service at a time`,
  );
  console.log(
    `recorder:   ${recorder.service_us.toFixed(1)} CPU µs/event + Postgres backends ${recorder.pg_us.toFixed(1)} µs/event = ${(recorder.service_us + recorder.pg_us).toFixed(1)} µs/event; ${Math.round(n / recorder.seconds).toLocaleString('en-US')} rows/s (drain incl. produce)`,
  );
  console.log(
    `classifier: ${classifier.service_us.toFixed(1)} CPU µs/event (Postgres backends ${classifier.pg_us.toFixed(1)} µs/event); ${Math.round(n / classifier.seconds).toLocaleString('en-US')} events/s`,
  );
  if (stored !== n) throw new Error(`recorded ${stored} of ${n} events`);
} finally {
  await producer.disconnect();
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
}
