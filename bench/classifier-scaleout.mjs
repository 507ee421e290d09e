// bench/classifier-scaleout: the classifier alone draining a backlog on the events topic, with one
// instance and then two in the same consumer group (same partitions), on the real broker and
// Postgres. Prints events/s for each, the ratio, and the CPU each process used, to show what
// bounds it. Target: ≥ 1.8× when classifier-bound.
//   npm run bench:classifier-scaleout -- [--sessions 8000]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { ensureBroker } from './lib/broker.mjs';

const { values } = parseArgs({ options: { sessions: { type: 'string', default: '8000' } } });
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/wink_bench';
ensureBroker();
const infra = await import('../tests/dist/harness/infrastructure.js');
const { loadSample } = await import('../tests/dist/harness/http.js');
const { ServiceProcess } = await import('../tests/dist/harness/service-process.js');
const { CONSUMER_GROUPS, TOPICS } = await import('@wink/contracts');
const { createKafka, TypedProducer } = await import('@wink/kafka');

const db = await infra.prepareInfrastructure();
const admin = await infra.connectAdmin();
const { tenantId } = await infra.newTenant(db);
const producer = new TypedProducer(createKafka({ brokers: infra.BROKERS, clientId: 'bench' }));
await producer.connect();

/** Realistic sessions (the bundled samples under new ids), straight onto the events topic. */
async function backlog(sessions) {
  let events = 0;
  for (let i = 0; i < sessions; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(sessions, i + 100); j++) {
      const sample = loadSample(j % 2 ? 'looping-session' : 'clean-session', randomUUID());
      for (const event of sample)
        batch.push({
          key: event.sessionId,
          value: { v: 1, tenantId, receivedAt: Date.now(), event },
        });
    }
    await producer.send(TOPICS.events, batch);
    events += batch.length;
  }
  return events;
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid) {
  try {
    const fields = execFileSync('cat', [`/proc/${pid}/stat`])
      .toString()
      .split(') ')[1]
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
const pidsOf = (pattern) => {
  try {
    return execFileSync('pgrep', ['-f', pattern]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
};
const cpuOf = (pattern) => pidsOf(pattern).reduce((s, pid) => s + cpuSeconds(pid), 0);

const group = CONSUMER_GROUPS.classifier;
async function run(instances) {
  const classifiers = Array.from(
    { length: instances },
    (_, i) =>
      new ServiceProcess('classifier', 3250 + i, {
        DATABASE_URL: process.env.TEST_DATABASE_URL,
        KAFKA_BROKERS: infra.BROKERS.join(','),
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        CLASSIFIER_PORT: String(3250 + i),
        LOG_LEVEL: 'error',
      }),
  );
  // Start from a drained group, so only this run's backlog is timed.
  await Promise.all(classifiers.map((c) => c.start()));
  await infra.waitForGroupsStable(admin, [group], 60_000);
  await infra.waitForDrained(admin, group, [TOPICS.events], 600_000);
  await Promise.all(classifiers.map((c) => c.stop()));

  const events = await backlog(Number(values.sessions));
  // Timed from the moment the group has settled its partitions: start-up is not throughput.
  await Promise.all(classifiers.map((c) => c.start()));
  await infra.waitForGroupsStable(admin, [group], 60_000);
  const before = {
    classifier: cpuOf('services/classifier/dist/main.js'),
    kafka: cpuOf('kafka.Kafka'),
    postgres: cpuOf('postgres'),
  };
  const started = performance.now();
  await infra.waitForDrained(admin, group, [TOPICS.events], 600_000);
  const seconds = (performance.now() - started) / 1000;
  const cpu = {
    classifier: cpuOf('services/classifier/dist/main.js') - before.classifier,
    kafka: cpuOf('kafka.Kafka') - before.kafka,
    postgres: cpuOf('postgres') - before.postgres,
  };
  await Promise.all(classifiers.map((c) => c.stop()));
  return { instances, events, seconds, rate: events / seconds, cpu };
}

try {
  const one = await run(1);
  const two = await run(2);
  console.log(
    `classifier scale-out, ${one.events.toLocaleString('en')} events a run, from the group settled to drained:`,
  );
  for (const r of [one, two]) {
    const cores = (r.cpu.classifier + r.cpu.kafka + r.cpu.postgres) / r.seconds;
    console.log(
      `  ${r.instances} instance(s): ${Math.round(r.rate).toLocaleString('en')} events/s in ${r.seconds.toFixed(1)} s; ` +
        `CPU s: classifier ${r.cpu.classifier.toFixed(1)}, kafka ${r.cpu.kafka.toFixed(1)}, postgres ${r.cpu.postgres.toFixed(1)} ` +
        `(${cores.toFixed(2)} of ${cpus().length} cores busy)`,
    );
  }
  console.log(
    `  speed-up: ${(two.rate / one.rate).toFixed(2)}× (target ≥ 1.8× when classifier-bound)`,
  );
} finally {
  await producer.disconnect();
  await admin.disconnect();
  await db.destroy();
  await infra.removeOwnRunTopics();
}
