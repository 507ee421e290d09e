// bench/throughput: ingest → Kafka with batched HTTP, and recorder rows/s into Postgres, on the
// real broker and Postgres with every service running on this machine.
//   npm run bench:throughput -- [--seconds 10] [--batch 500] [--concurrency 8] [--rows 100000]
//     [--ingest-only] (only ingest running, no recorder part) [--cpu-prof DIR] (V8 profile of ingest)
import { parseArgs } from 'node:util';

import { readFileSync } from 'node:fs';

/** User + system CPU seconds the process used so far, from the kernel's accounting. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    rows: { type: 'string', default: '100000' },
    'ingest-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';
const { Pipeline } = await import('../tests/dist/harness/pipeline.js');
const infra = await import('../tests/dist/harness/infrastructure.js');
const { CONSUMER_GROUPS, TOPICS } = await import('@wink/contracts');
const { createKafka, TypedProducer } = await import('@wink/kafka');

const batchSize = Number(values.batch);
function batch(run, n) {
  return Array.from({ length: batchSize }, (_, i) => ({
    eventId: `${run}-${n}-${i}`,
    sessionId: `${run}-s${i % 50}`,
    seq: n * batchSize + i,
    ts: '2026-11-23T10:00:00Z',
    agent: { name: 'bench' },
    kind: 'tool_call',
    tool: { name: 'Bash', args: { command: `ls src/module${i}` }, callId: `c${n}-${i}` },
  }));
}

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
const ingestOnly = values['ingest-only'];
const profileDir = values['cpu-prof'];
const pipeline = new Pipeline(
  {
    LOG_LEVEL: 'error',
    // The service's own rollup cadence, not the tests' quicker one.
    ROLLUP_REFRESH_MS: '1000',
    INGEST_RATE_EVENTS_PER_SEC: '10000000',
    INGEST_RATE_BURST: '10000000',
  },
  undefined,
  profileDir
    ? {
        ingest: {
          NODE_OPTIONS: `--require ${new URL('./lib/cpu-profile.cjs', import.meta.url).pathname}`,
          CPU_PROFILE_DIR: profileDir,
        },
      }
    : {},
);
try {
  if (ingestOnly) await pipeline.services.ingest.start();
  else {
    await pipeline.start();
    await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  }
  const { apiKey, tenantId } = await infra.newTenant(db);
  const run = Date.now().toString(36);
  const url = `${pipeline.services.ingest.url}/v1/events`;
  // Pre-serialised bodies, so the figure is the server's, not JSON.stringify's in this process.
  const bodies = Array.from({ length: 50 }, (_, n) => JSON.stringify({ events: batch(run, n) }));
  let accepted = 0;
  let n = 0;
  const ingestPid = pipeline.services.ingest.pid;
  const cpuBefore = cpuSeconds(ingestPid);
  const deadline = Date.now() + Number(values.seconds) * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (Date.now() < deadline) {
        const body = bodies[n++ % bodies.length];
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body,
        });
        if (res.status === 202) accepted += batchSize;
        else throw new Error(`ingest answered ${res.status}`);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpuUs = ((cpuSeconds(ingestPid) - cpuBefore) * 1e6) / accepted;
  console.log(
    `ingest → Kafka: ${Math.round(accepted / seconds).toLocaleString('en-US')} events/s (${accepted.toLocaleString('en-US')} events, batches of ${batchSize}, ${values.concurrency} concurrent requests, acks=all); ingest process ${cpuUs.toFixed(1)} CPU µs/event`,
  );

  if (!ingestOnly) {
    // Recorder: stop it, put rows straight on the topic, start it, time the drain.
    await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 300_000);
    await pipeline.services.recorder.stop();
    const producer = new TypedProducer(createKafka({ brokers: infra.BROKERS, clientId: 'bench' }));
    await producer.connect();
    const rows = Number(values.rows);
    for (let i = 0; i < rows; i += 5000) {
      const messages = [];
      for (let j = i; j < Math.min(rows, i + 5000); j++) {
        const event = {
          eventId: `rec-${run}-${j}`,
          sessionId: `rec-${run}-${j % 500}`,
          seq: j,
          ts: '2026-11-23T10:00:00Z',
          agent: { name: 'bench' },
          kind: 'message',
          text: 'x',
        };
        messages.push({
          key: event.sessionId,
          value: { v: 1, tenantId, receivedAt: Date.now(), event },
        });
      }
      await producer.send(TOPICS.events, messages);
    }
    await producer.disconnect();
    const recStarted = Date.now();
    await pipeline.services.recorder.start();
    await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 600_000);
    const recSeconds = (Date.now() - recStarted) / 1000;
    const [{ stored }] = await db.query(
      `SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1 AND event_id LIKE $2`,
      [tenantId, `rec-${run}-%`],
    );
    console.log(
      `recorder → Postgres: ${Math.round(stored / recSeconds).toLocaleString('en-US')} rows/s (${stored.toLocaleString('en-US')} rows in ${recSeconds.toFixed(1)} s, including the recorder's start and group join)`,
    );
  }
} finally {
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
  await infra.removeOwnRunTopics();
}
