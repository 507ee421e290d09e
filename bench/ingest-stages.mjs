// bench/ingest-stages: CPU µs per event for each step ingest does on a batch of 500 ordinary
// events, and the alternatives measured for each choice (validator, compression), in this process.
//   npm run bench:ingest-stages -- [--rounds 400]
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { z } from 'zod';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Compile } from 'typebox/compile';
import { EventBatch, encodeMessage, TOPICS } from '@wink/contracts';
import { validateEventBatch } from '@wink/contracts/edge-validation.js';
import { redactEvent } from '@wink/redaction';
import { rememberingPartitioner } from '@wink/kafka';
import { eventMessages } from '../services/ingest/dist/events/event-records.js';

// kafkajs' own steps of a produce, as its producer runs them once it has the metadata: group the
// messages per partition, then encode the Produce request (record batches, CRC, compression).
const require = createRequire(import.meta.resolve('kafkajs'));
const groupMessagesPerPartition = require('./src/producer/groupMessagesPerPartition');
const produceRequest = require('./src/protocol/requests/produce/v3/request');
const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
  partitionErrorCode: 0,
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
}));
async function encodeProduce(partitioner, messages, compression) {
  const topic = 'wink.trajectory.events.v1';
  const perPartition = groupMessagesPerPartition({
    topic,
    partitionMetadata,
    messages,
    partitioner,
  });
  const partitions = Object.keys(perPartition).map((partition) => ({
    partition: Number(partition),
    firstSequence: 0,
    messages: perPartition[partition],
  }));
  const request = produceRequest({
    acks: -1,
    timeout: 30000,
    compression,
    topicData: [{ topic, partitions }],
  });
  return request.encode();
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '400' } } });
const rounds = Number(values.rounds);
const SIZE = 500;
const events = Array.from({ length: SIZE }, (_, i) => ({
  eventId: `e-${i}`,
  sessionId: `s${i % 50}`,
  seq: i,
  ts: '2026-11-23T10:00:00Z',
  agent: { name: 'bench', model: 'claude-sonnet-4-5' },
  kind: i % 2 ? 'tool_call' : 'tool_result',
  ...(i % 2
    ? { tool: { name: 'Bash', args: { command: `ls src/module${i}` }, callId: `c${i}` } }
    : { result: { ok: true, output: `src/module${i}/index.ts\nsrc/module${i}/util.ts` } }),
}));
const body = JSON.stringify({ events });
const jsonSchema = z.toJSONSchema(EventBatch, { unrepresentable: 'any' });
const ajv = new Ajv2020({ strict: false, validateFormats: false }).compile(jsonSchema);
const typebox = Compile(jsonSchema);
const tenantId = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
const records = events.map((event) => ({ v: 1, tenantId, receivedAt: Date.now(), event }));
const buffers = records.map((r) => Buffer.from(JSON.stringify(r)));

async function perEvent(fn) {
  for (let i = 0; i < 30; i++) await fn();
  const samples = [];
  for (let s = 0; s < 5; s++) {
    const t = process.cpuUsage();
    for (let i = 0; i < rounds / 5; i++) await fn();
    const used = process.cpuUsage(t);
    samples.push((used.user + used.system) / (rounds / 5) / SIZE);
  }
  return samples.sort((a, b) => a - b)[2].toFixed(3);
}

const parsed = JSON.parse(body);
const messages = eventMessages(tenantId, Date.now(), parsed.events);
const defaultPartitioner = Partitioners.DefaultPartitioner();
const remembering = rememberingPartitioner();
const encoded = {
  none: (await encodeProduce(remembering, messages, CompressionTypes.None)).size(),
  gzip: (await encodeProduce(remembering, messages, CompressionTypes.GZIP)).size(),
};
const stages = {
  'parse (JSON.parse of the body)': () => perEvent(() => JSON.parse(body)),
  'validate: zod safeParse': () => perEvent(() => EventBatch.safeParse(parsed)),
  'validate: ajv compiled (shape only)': () => perEvent(() => ajv(parsed)),
  'validate: TypeBox compiled (shape only)': () => perEvent(() => typebox.Check(parsed)),
  'validate: edge (ajv + refinements), chosen': () => perEvent(() => validateEventBatch(parsed)),
  'redact (one pass per string)': () => perEvent(() => parsed.events.map(redactEvent)),
  'serialise: JSON.stringify + Buffer': () =>
    perEvent(() => records.map((r) => Buffer.from(JSON.stringify(r)))),
  'serialise with re-validation (encodeMessage, before)': () =>
    perEvent(() => records.map((r) => encodeMessage(TOPICS.events, r))),
  'compression: gzip of the batch': () => perEvent(() => gzipSync(Buffer.concat(buffers))),
  'records: redact + serialise once (eventMessages), chosen': () =>
    perEvent(() => eventMessages(tenantId, Date.now(), parsed.events)),
  'kafkajs produce, default partitioner, no compression': () =>
    perEvent(() => encodeProduce(defaultPartitioner, messages, CompressionTypes.None)),
  'kafkajs produce, remembering partitioner, no compression (chosen)': () =>
    perEvent(() => encodeProduce(remembering, messages, CompressionTypes.None)),
  'kafkajs produce, remembering partitioner, gzip': () =>
    perEvent(() => encodeProduce(remembering, messages, CompressionTypes.GZIP)),
};
const rows = {};
for (const [step, measure] of Object.entries(stages)) rows[step] = await measure();
console.table(Object.entries(rows).map(([step, us]) => ({ step, 'CPU µs/event': Number(us) })));
console.log(
  `Produce request for ${SIZE} events: ${encoded.none.toLocaleString('en-US')} bytes uncompressed, ${encoded.gzip.toLocaleString('en-US')} gzip (${(encoded.none / encoded.gzip).toFixed(1)}×)`,
);
