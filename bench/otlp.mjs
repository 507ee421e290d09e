// bench/otlp: CPU microseconds per span to read an OTLP export into TrajectoryEvents (decode,
// check, map, validate against the contract), for http/json and http/protobuf bodies made by the
// OpenTelemetry SDK's own serializers from traced runs of the bundled samples. Kafka is not
// involved. Run: npm run bench:otlp
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { TrajectoryEvent, validate } from '@wink/contracts';
import { decodeRequest, readExport } from '@wink/otlp';
import { loadSample } from '../tests/dist/harness/http.js';
import { traceAgentRun } from '../tests/dist/harness/otel-agent.js';

const RUNS_PER_EXPORT = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const spans = [];
for (let i = 0; i < RUNS_PER_EXPORT; i++) {
  for (const sample of ['looping-session', 'clean-session']) {
    spans.push(
      ...traceAgentRun(loadSample(sample, `bench-${i}`, new Date()), `conv-${sample}-${i}`),
    );
  }
}
const bodies = {
  'http/json': Buffer.from(JsonTraceSerializer.serializeRequest(spans)),
  'http/protobuf': Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)),
};
const decode = {
  'http/json': (body) => JSON.parse(body.toString('utf8')),
  'http/protobuf': (body) => decodeRequest('traces', body),
};

function readOnce(format) {
  const read = readExport('traces', decode[format](bodies[format]));
  if (!read.ok) throw new Error(`${read.error.field}: ${read.error.message}`);
  let events = 0;
  for (const { event } of read.value.events) if (validate(TrajectoryEvent, event).ok) events++;
  return events;
}

console.log(
  `${spans.length} spans per export (${RUNS_PER_EXPORT} looping and ${RUNS_PER_EXPORT} clean runs), ${ROUNDS} rounds each`,
);
for (const format of Object.keys(bodies)) {
  for (let i = 0; i < 20; i++) readOnce(format); // warm up
  const perRound = [];
  let events = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.cpuUsage();
    events = readOnce(format);
    const used = process.cpuUsage(start);
    perRound.push((used.user + used.system) / spans.length);
  }
  perRound.sort((a, b) => a - b);
  const median = perRound[Math.floor(perRound.length / 2)];
  console.log(
    `${format.padEnd(14)} body ${(bodies[format].length / 1024).toFixed(0).padStart(4)} KiB  ${events} events  median ${median.toFixed(1)} µs CPU per span (p90 ${perRound[Math.floor(perRound.length * 0.9)].toFixed(1)})`,
  );
}
