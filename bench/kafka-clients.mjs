// bench/kafka-clients: kafkajs against @platformatic/kafka on the same broker, in one run. Each
// round produces N trajectory-event records (as ingest writes them) in batches of 500 with each
// client (idempotent, acks=all, one produce in flight; kafkajs with libs/kafka's partitioner),
// then consumes them from the beginning with a consumer group; alternating which client goes
// first, medians.
//   npm run bench:kafka-clients -- [--messages 50000] [--rounds 3] [--partitions 6]
//     [--clients kafkajs,platformatic]
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { rememberingPartitioner, stopIdleRequestQueuePolling } from '@wink/kafka';
import { Consumer, Producer, stringSerializer } from '@platformatic/kafka';
import { ensureBroker } from './lib/broker.mjs';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '3' },
    partitions: { type: 'string', default: '6' },
    clients: { type: 'string', default: 'kafkajs,platformatic' },
  },
});
const N = Number(values.messages);
const BATCH = 500;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = Date.now().toString(36);

/** EventRecordV1 values as ingest publishes them: tool calls and results of 50 sessions. */
function records(count) {
  const tenantId = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
  return Array.from({ length: count }, (_, i) => {
    const sessionId = `bench-${run}-s${i % 50}`;
    const event = {
      eventId: `${run}-${i}`,
      sessionId,
      seq: i,
      ts: '2026-11-23T10:00:00.000Z',
      agent: { name: 'bench', model: 'claude-sonnet-4-5' },
      kind: i % 2 ? 'tool_call' : 'tool_result',
      ...(i % 2
        ? { tool: { name: 'Bash', args: { command: `ls -la src/module${i}` }, callId: `c${i}` } }
        : {
            tool: { name: 'Bash', callId: `c${i - 1}` },
            result: {
              ok: true,
              output: `total 24\n-rw-r--r-- 1 agent agent 1843 index.ts\n-rw-r--r-- 1 agent agent 912 util.ts\n-rw-r--r-- 1 agent agent 4410 module${i}.spec.ts\n`,
            },
          }),
    };
    const value = Buffer.from(JSON.stringify({ v: 1, tenantId, receivedAt: Date.now(), event }));
    return { key: sessionId, value };
  });
}

function cpuMicros(start) {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

// KafkaJS as the services run it: without its idle request-queue polling.
if (!stopIdleRequestQueuePolling())
  throw new Error("KafkaJS' request queue is not the one stopIdleRequestQueuePolling changes");
ensureBroker();
const kafka = new Kafka({ clientId: 'bench-kafka-clients', brokers, logLevel: logLevel.ERROR });
const admin = kafka.admin();
await admin.connect();
const created = [];
async function newTopic(name) {
  await admin.createTopics({
    topics: [{ topic: name, numPartitions: Number(values.partitions), replicationFactor: 1 }],
    waitForLeaders: true,
  });
  created.push(name);
}

const clients = {
  async kafkajs(topic, messages) {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: rememberingPartitioner,
    });
    await producer.connect();
    // Warm the connection and the topic's metadata outside the measurement.
    await producer.send({ topic, acks: -1, messages: [{ key: 'warm', value: 'warm' }] });
    const produced = await measure(async () => {
      for (let i = 0; i < messages.length; i += BATCH)
        await producer.send({ topic, acks: -1, messages: messages.slice(i, i + BATCH) });
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `${topic}-g`, maxBytes: 10 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const consumed = await measureConsume(messages.length + 1, (onBatch) =>
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => onBatch(batch.messages.length, batch.messages[0]?.value),
      }),
    );
    await consumer.disconnect();
    return { produced, consumed };
  },

  async platformatic(topic, messages) {
    const producer = new Producer({
      clientId: 'bench-platformatic',
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: -1,
      serializers: { key: stringSerializer },
    });
    const withTopic = messages.map((m) => ({ topic, key: m.key, value: m.value }));
    await producer.send({ messages: [{ topic, key: 'warm', value: Buffer.from('warm') }] });
    const produced = await measure(async () => {
      for (let i = 0; i < withTopic.length; i += BATCH)
        await producer.send({ messages: withTopic.slice(i, i + BATCH) });
    });
    await producer.close();

    const consumer = new Consumer({
      clientId: 'bench-platformatic',
      groupId: `${topic}-g`,
      bootstrapBrokers: brokers,
      maxBytes: 10 * 1024 * 1024,
    });
    let stream;
    const consumed = await measureConsume(messages.length + 1, async (onBatch) => {
      stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      stream.on('data', (message) => onBatch(1, message.value));
    });
    await stream.close();
    await consumer.close(true);
    return { produced, consumed };
  },
};

async function measure(work) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  return { cpuUs: cpuMicros(cpu), seconds: (performance.now() - started) / 1000 };
}

/** CPU from subscribing to the last message; rate from the first message to the last. */
function measureConsume(expected, start) {
  return new Promise((resolve, reject) => {
    const cpu = process.cpuUsage();
    let count = 0;
    let first = 0;
    let bytes = 0;
    const onBatch = (n, value) => {
      if (count === 0) first = performance.now();
      count += n;
      bytes += value?.length ?? 0;
      if (count >= expected)
        resolve({ cpuUs: cpuMicros(cpu), seconds: (performance.now() - first) / 1000, bytes });
    };
    Promise.resolve(start(onBatch)).catch(reject);
  });
}

const messages = records(N);
const avgBytes = Math.round(messages.reduce((s, m) => s + m.value.length, 0) / N);
console.log(
  `${N.toLocaleString('en-US')} messages of ${avgBytes} bytes on average, batches of ${BATCH}, ${values.partitions} partitions, broker ${brokers.join(',')}`,
);
const names = values.clients.split(',');
const results = Object.fromEntries(names.map((name) => [name, []]));
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const topic = `bench-kafka-clients-${run}-${name}-${round}`;
      await newTopic(topic);
      const r = await clients[name](topic, messages);
      results[name].push(r);
      console.log(
        `round ${round + 1} ${name.padEnd(12)} produce ${(r.produced.cpuUs / N).toFixed(2)} CPU µs/msg, ${Math.round(N / r.produced.seconds).toLocaleString('en-US')} msg/s; consume ${(r.consumed.cpuUs / N).toFixed(2)} CPU µs/msg, ${Math.round(N / r.consumed.seconds).toLocaleString('en-US')} msg/s`,
      );
    }
  }
} finally {
  await admin.deleteTopics({ topics: created }).catch(() => {});
  await admin.disconnect();
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const rows = Object.entries(results).map(([client, rs]) => ({
  client,
  'produce CPU µs/msg': Number(median(rs.map((r) => r.produced.cpuUs / N)).toFixed(2)),
  'produce msg/s': Math.round(median(rs.map((r) => N / r.produced.seconds))),
  'consume CPU µs/msg': Number(median(rs.map((r) => r.consumed.cpuUs / N)).toFixed(2)),
  'consume msg/s': Math.round(median(rs.map((r) => N / r.consumed.seconds))),
}));
console.log(`medians of ${values.rounds} rounds:`);
console.table(rows);
