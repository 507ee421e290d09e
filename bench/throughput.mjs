// bench/throughput: ingest → Kafka with batched HTTP, and recorder rows/s into Postgres, on the
// real broker and Postgres with every service running on this machine.
//   npm run bench:throughput -- [--seconds 10] [--batch 500] [--concurrency 8] [--rows 100000]
//     [--ingest-only] (only ingest running, no recorder part)
//     [--cpu-prof DIR] (V8 profiles of ingest and the recorder, DIR/<service>.cpuprofile)
//     [--client http|fetch] (the load generator's client: node:http with keep-alive, or fetch,
//     which spent ~2.5× the CPU per event in this process, on the same two cores as ingest)
import { parseArgs } from 'node:util';

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { processStat } from './lib/proc-cpu.mjs';
import { cpuProfileEnv } from './lib/cpu-profiles.mjs';
import { ensureBroker } from './lib/broker.mjs';

/** User + system CPU seconds the process used so far, from the kernel's accounting. */
const cpuSeconds = (pid) => processStat(pid).cpuSeconds;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    rows: { type: 'string', default: '100000' },
    'ingest-only': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    client: { type: 'string', default: 'http' },
  },
});
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
process.env.TEST_PORT_BASE ??= '3200';
ensureBroker();
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

/** CPU seconds of every core of the machine so far, busy and in all, from /proc/stat. */
function machineSeconds() {
  const ticks = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
}

/** The recorder's CPU seconds so far, its own and its Postgres backends' (by pid). */
async function recorderCpu(pid) {
  const backends = await db.query(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'wink-recorder'`,
  );
  const postgres = new Map();
  for (const { pid } of backends) {
    const stat = processStat(pid);
    if (stat) postgres.set(pid, stat.cpuSeconds);
  }
  return { recorder: cpuSeconds(pid), postgres };
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
  profileDir ? { ingest: cpuProfileEnv(profileDir), recorder: cpuProfileEnv(profileDir) } : {},
);
try {
  if (ingestOnly) await pipeline.services.ingest.start();
  else {
    await pipeline.start();
    await infra.waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS));
  }
  const { apiKey } = await infra.newTenant(db);
  const run = Date.now().toString(36);
  const url = `${pipeline.services.ingest.url}/v1/events`;
  // Pre-serialised bodies, so the figure is the server's, not JSON.stringify's in this process.
  const bodies = Array.from({ length: 50 }, (_, n) =>
    Buffer.from(JSON.stringify({ events: batch(run, n) })),
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const post =
    values.client === 'fetch'
      ? async (body) => {
          const res = await fetch(url, { method: 'POST', headers, body });
          await res.arrayBuffer();
          return res.status;
        }
      : (body) =>
          new Promise((resolve, reject) => {
            const req = http.request(
              url,
              { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
              (res) => {
                res.on('error', reject);
                res.resume();
                res.on('end', () => resolve(res.statusCode));
              },
            );
            req.on('error', reject);
            req.end(body);
          });
  let accepted = 0;
  let n = 0;
  const ingestPid = pipeline.services.ingest.pid;
  const cpuBefore = cpuSeconds(ingestPid);
  const clientBefore = process.cpuUsage();
  const deadline = Date.now() + Number(values.seconds) * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (Date.now() < deadline) {
        const body = bodies[n++ % bodies.length];
        const status = await post(body);
        if (status === 202) accepted += batchSize;
        else throw new Error(`ingest answered ${status}`);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpuUs = ((cpuSeconds(ingestPid) - cpuBefore) * 1e6) / accepted;
  const client = process.cpuUsage(clientBefore);
  const clientUs = (client.user + client.system) / accepted;
  console.log(
    `ingest → Kafka: ${Math.round(accepted / seconds).toLocaleString('en-US')} events/s (${accepted.toLocaleString('en-US')} events, batches of ${batchSize}, ${values.concurrency} concurrent requests, acks=all); ingest process ${cpuUs.toFixed(1)} CPU µs/event; load generator (this process, ${values.client}) ${clientUs.toFixed(1)} CPU µs/event`,
  );

  if (!ingestOnly) {
    // Recorder: stop it, put rows straight on the topic, start it, time the drain.
    await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 300_000);
    await pipeline.services.recorder.stop();
    // A tenant of its own, so counting its rows reads none of the ingest part's.
    const { tenantId: recTenant } = await infra.newTenant(db);
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
          value: { v: 1, tenantId: recTenant, receivedAt: Date.now(), event },
        });
      }
      await producer.send(TOPICS.events, messages);
    }
    await producer.disconnect();
    const recStarted = Date.now();
    await pipeline.services.recorder.start();
    // The drain itself: from the recorder's first write starting in Postgres to the last row
    // stored, so the figure is its writing, not its start, group join and first fetch. Each
    // session's rows stay in order on its partition, so once the last row of every session (the
    // last 500 produced) is stored, all are.
    const lastIds = Array.from(
      { length: Math.min(rows, 500) },
      (_, k) => `rec-${run}-${rows - 1 - k}`,
    );
    for (;;) {
      const [{ writing }] = await db.query(
        `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                         WHERE datname = current_database() AND application_name = 'wink-recorder'
                           AND state = 'active'
                           AND query LIKE '%INSERT INTO events%')
                OR EXISTS (SELECT 1 FROM events WHERE tenant_id = $1) AS writing`,
        [recTenant],
      );
      if (writing) break;
      if (Date.now() - recStarted > 600_000) throw new Error('the recorder wrote nothing in 600 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    const firstAt = Date.now();
    const cpuAtFirst = await recorderCpu(pipeline.services.recorder.pid);
    const machineAtFirst = machineSeconds();
    let lastAt = firstAt;
    for (;;) {
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND event_id = ANY($2)`,
        [recTenant, lastIds],
      );
      lastAt = Date.now();
      if (n === lastIds.length) break;
      if (lastAt - firstAt > 600_000) throw new Error('the recorder did not drain in 600 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const cpuAtLast = await recorderCpu(pipeline.services.recorder.pid);
    const machineAtLast = machineSeconds();
    await infra.waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.events], 600_000);
    const recSeconds = (Date.now() - recStarted) / 1000;
    const [{ stored }] = await db.query(
      `SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1`,
      [recTenant],
    );
    const drainSeconds = (lastAt - firstAt) / 1000;
    console.log(
      `recorder → Postgres: ${Math.round(stored / recSeconds).toLocaleString('en-US')} rows/s (${stored.toLocaleString('en-US')} rows in ${recSeconds.toFixed(1)} s, including the recorder's start and group join, until its offsets were committed)`,
    );
    console.log(
      `recorder → Postgres, the drain alone: ${Math.round(stored / drainSeconds).toLocaleString('en-US')} rows/s (${drainSeconds.toFixed(2)} s from its first write starting to the last row stored; before it, ${((firstAt - recStarted) / 1000).toFixed(1)} s from the recorder's start: the process, its group join, the first fetch)`,
    );
    // A backend first seen at the end counts from zero: one the pool opened during the drain.
    let postgresSeconds = 0;
    for (const [pid, seconds] of cpuAtLast.postgres)
      postgresSeconds += seconds - (cpuAtFirst.postgres.get(pid) ?? 0);
    const perRow = (seconds) => ((seconds * 1e6) / stored).toFixed(1);
    const machineBusy =
      (machineAtLast.busy - machineAtFirst.busy) / (machineAtLast.total - machineAtFirst.total);
    console.log(
      `  during the drain: recorder ${perRow(cpuAtLast.recorder - cpuAtFirst.recorder)} CPU µs/row, its Postgres backends ${perRow(postgresSeconds)}; the machine's cores ${(100 * machineBusy).toFixed(0)}% busy`,
    );
  }
  agent.destroy();
} finally {
  await pipeline.stop();
  await admin.disconnect();
  await db.destroy();
  await infra.removeOwnRunTopics();
}
