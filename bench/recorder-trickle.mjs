// bench/recorder-trickle: CPU µs per event of the recorder, the broker and the recorder's Postgres
// backends while the recorder alone keeps up with a trickle (RATE events/s put on the events
// topic in sends of 10, as ingest's produces are at low load), after a 5 s idle sample. Prints
// the figures net of idle and with it. --root DIR runs another built tree's recorder (its
// tests/dist harness starts it), so two trees can be run in turn; set WINK_TOPIC_PREFIX /
// WINK_GROUP_PREFIX and TEST_DATABASE_URL per tree so neither reads the other's backlog.
//   npm run bench:recorder-trickle -- [--rate 1000] [--seconds 20] [--root DIR]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mixedEventRecord } from './lib/mixed-backlog.mjs';
import { CpuMeter, pipelineGroups } from './lib/proc-cpu.mjs';
import { ensureBroker } from './lib/broker.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
  },
});
const root = values.root.replace(/\/$/, '');
const rate = Number(values.rate);
const n = rate * Number(values.seconds);
const SEND = 10;
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';
ensureBroker();
const { Pipeline } = await import(`${root}/tests/dist/harness/pipeline.js`);
const infra = await import(`${root}/tests/dist/harness/infrastructure.js`);
const { CONSUMER_GROUPS, TOPICS } = await import(
  `${root}/node_modules/@wink/contracts/dist/index.js`
);
const { createKafka, TypedProducer } = await import(
  `${root}/node_modules/@wink/kafka/dist/index.js`
);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
const pipeline = new Pipeline({ LOG_LEVEL: 'error', ROLLUP_REFRESH_MS: '1000' });
const producer = new TypedProducer(createKafka({ brokers: infra.BROKERS, clientId: 'bench' }));
try {
  await producer.connect();
  const { tenantId } = await infra.newTenant(db);
  const [{ database }] = await db.query('SELECT current_database() AS database');
  const all = pipelineGroups(database, infra.BROKERS[0].split(':')[1]);
  const groups = { recorder: all.recorder, broker: all.broker, postgres: all.postgres };
  await pipeline.services.recorder.start();
  await infra.waitForGroupsStable(admin, [CONSUMER_GROUPS.recorder]);
  await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 300_000);

  const idleMeter = new CpuMeter(groups);
  idleMeter.start();
  await sleep(5000);
  const idle = idleMeter.stop();

  const meter = new CpuMeter(groups);
  meter.start();
  const run = `t${Date.now().toString(36)}`;
  const started = performance.now();
  for (let i = 0; i < n; i += SEND) {
    const records = [];
    for (let j = i; j < Math.min(n, i + SEND); j++) {
      const value = mixedEventRecord({
        tenantId,
        run,
        i: j,
        sessions: 2000,
        startMs: Date.UTC(2026, 10, 23, 10),
      });
      records.push({ key: value.event.sessionId, value });
    }
    await producer.send(TOPICS.events, records);
    const wait = started + ((i + SEND) / rate) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 300_000);
  const busy = meter.stop();
  const [{ stored }] = await db.query(
    'SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1',
    [tenantId],
  );
  if (stored !== n) throw new Error(`recorded ${stored} of ${n} events`);
  const figures = Object.keys(groups).map((label) => {
    const net = busy.cpu[label] - (idle.cpu[label] / idle.seconds) * busy.seconds;
    return `${label} ${((net / n) * 1e6).toFixed(1)} net / ${((busy.cpu[label] / n) * 1e6).toFixed(1)} with idle`;
  });
  console.log(
    `${root}: ${n} events at ${Math.round(n / busy.seconds)}/s; CPU µs/event: ${figures.join('; ')}`,
  );
} finally {
  await producer.disconnect();
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
}
