// bench/e2e: event → guidance latency seen from outside, through the public HTTP API. A separate
// load process posts agent sessions (one in four looping among clean ones) through ingest at a
// given rate, and every looping session holds a guidance long-poll open, as a waiting host does;
// the latency is from posting the step a guidance names to the long-poll returning it. Also
// prints where the time goes (from the stored timestamps: classified, guidance decided, claimed
// by the long-poll), the CPU each process used, and checks that every looping session sent in
// full was guided and no clean one was. Each latency is given
// for the whole run and for the steps posted after the first `--warmup` seconds: at the start the
// services are cold and the load generator, catching up with slow first acknowledgements, starts
// up to `--agents` sessions at once, whose loops then come due together.
// With `--by-second`, the same per second of the run: which seconds the whole run's tail is from.
//   npm run bench:e2e -- [--rate 2000] [--seconds 20] [--warmup 5] [--hosts 1] [--agents 1000] [--tick-ms 20] [--by-second]
import { parseArgs } from 'node:util';
import { percentile as pct } from './lib/load.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    hosts: { type: 'string', default: '1' },
    agents: { type: 'string', default: '1000' },
    'tick-ms': { type: 'string', default: '20' },
    'by-second': { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const { runFleet } = await import('./lib/fleet-run.mjs');

const r = await runFleet({
  rate,
  seconds,
  hosts: Number(values.hosts),
  tickMs: Number(values['tick-ms']),
  agentsPerHost: Number(values.agents),
  poll: true,
});
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const line = (name, s) =>
  `${name.padEnd(36)} p50 ${pct(s, 50).toFixed(1)} ms  p95 ${pct(s, 95).toFixed(1)} ms  p99 ${pct(s, 99).toFixed(1)} ms  (n ${s.length})`;
const { load } = r;
console.log(
  `target ${rate} events/s for ${seconds} s; sent ${load.sent} events (${load.sessions} sessions) in ${load.seconds.toFixed(1)} s = ${Math.round(load.sent / load.seconds)} events/s accepted`,
);
console.log(
  `looping sessions sent in full ${load.loopingSent}, guided ${r.guidance.looping_guided}; clean sessions guided ${r.guidance.clean_guided}; long-poll failures ${load.pollFailures}`,
);
const steady = `  after the first ${warmup} s`;
const latencyLines = (name, rows, msOf, secondsIn) => {
  if (rows.length === 0) return;
  console.log(line(name, sorted(rows.map(msOf))));
  const later = rows.filter((r) => secondsIn(r) >= warmup).map(msOf);
  if (later.length) console.log(line(steady, sorted(later)));
};
latencyLines(
  'event → guidance at the long-poll',
  load.latencies,
  (l) => l.ms,
  (l) => l.at,
);
const stageSeconds = (s) => (Number(s.received_ms) - load.startedAtEpochMs) / 1000;
latencyLines('stored: ingest → verdict', r.stages, (s) => Number(s.classify), stageSeconds);
latencyLines('stored: verdict → guidance', r.stages, (s) => Number(s.intervene), stageSeconds);
latencyLines(
  'stored: guidance → long-poll claim',
  r.stages.filter((s) => s.claim !== null),
  (s) => Number(s.claim),
  stageSeconds,
);
console.log(`CPU % of one core during the load (${r.cpu.seconds.toFixed(1)} s):`);
console.log(
  '  ' +
    Object.entries(r.cpu.cpu)
      .map(([name, s]) => `${name} ${((s / r.cpu.seconds) * 100).toFixed(0)}%`)
      .join(', '),
);
if (values['by-second']) {
  // Where the whole run's tail comes from. Each second of the load: the events handed to a post
  // and the sessions started; the posts' acknowledgements (p50, max); and, by when the step a
  // guidance names was posted, the latency at the long-poll and its stored stages.
  const bucket = (rows, secondOf) => {
    const out = [];
    for (const row of rows) (out[Math.floor(secondOf(row))] ??= []).push(row);
    return out;
  };
  /** The `p`th percentile of `msOf` over the rows of second `s` of `buckets`. */
  const q = (buckets, s, msOf, p) => {
    const xs = (buckets[s] ?? []).map(msOf);
    return xs.length ? pct(sorted(xs), p).toFixed(0) : '-';
  };
  const polls = bucket(load.latencies, (l) => l.at);
  const stages = bucket(r.stages, stageSeconds);
  const claimed = bucket(
    r.stages.filter((x) => x.claim !== null),
    stageSeconds,
  );
  const acks = bucket(load.acks, (a) => a.at);
  const ms = (x) => x.ms;
  const columns = [
    ['second', (s) => s],
    ['posted', (s) => load.postedPerSecond[s] ?? 0],
    ['started', (s) => load.startedPerSecond[s] ?? 0],
    ['ack p50', (s) => q(acks, s, ms, 50)],
    ['ack max', (s) => q(acks, s, ms, 100)],
    ['guided', (s) => (polls[s] ?? []).length],
    ['p50', (s) => q(polls, s, ms, 50)],
    ['p99', (s) => q(polls, s, ms, 99)],
    ['→verdict p99', (s) => q(stages, s, (x) => Number(x.classify), 99)],
    ['→guidance p99', (s) => q(stages, s, (x) => Number(x.intervene), 99)],
    ['→claim p99', (s) => q(claimed, s, (x) => Number(x.claim), 99)],
  ];
  const seconds = Math.max(polls.length, stages.length, load.postedPerSecond.length);
  console.log(columns.map(([name]) => name.padStart(8)).join(' '));
  for (let s = 0; s < seconds; s++)
    console.log(
      columns.map(([name, of]) => String(of(s)).padStart(Math.max(8, name.length))).join(' '),
    );
}
