// bench/soak: a sustained rate end to end for a while. A separate load process stands for a fleet's
// hosts, each posting its agents' next steps as one batch per tick (one session in four looping
// among clean ones) through ingest's HTTP API. Prints the rate accepted, every consumer group's lag
// (the most seen while loading, and at the end of the load) and how long the pipeline took to
// drain after it, the CPU each process used (% of one core: the saturated one is the ceiling), and
// counts that every event accepted is in Postgres exactly once.
//   npm run bench:soak -- [--rate 10000] [--seconds 60] [--hosts 20] [--agents 500] [--tick-ms 100]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '60' },
    hosts: { type: 'string', default: '20' },
    agents: { type: 'string', default: '500' },
    'tick-ms': { type: 'string', default: '100' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const hosts = Number(values.hosts);
const tickMs = Number(values['tick-ms']);
const { runFleet } = await import('./lib/fleet-run.mjs');

const r = await runFleet({
  rate,
  seconds,
  hosts,
  tickMs,
  agentsPerHost: Number(values.agents),
  poll: false,
  drainTimeoutMs: 900_000,
});
const { load, stored } = r;
console.log(
  `target ${rate} events/s for ${seconds} s from ${hosts} hosts (a batch each every ${tickMs} ms, ~${Math.round((rate * tickMs) / 1000 / hosts)} events)`,
);
console.log(
  `accepted ${load.sent} events (${load.sessions} sessions) in ${load.seconds.toFixed(1)} s = ${Math.round(load.sent / load.seconds)} events/s`,
);
console.log('consumer lag, messages (most seen while loading / at the end of the load):');
for (const [group, lags] of Object.entries(r.lagAtEnd))
  for (const [topic, lag] of Object.entries(lags))
    console.log(
      `  ${`${group} on ${topic}`.padEnd(48)} ${String(r.maxLag[`${group} ${topic}`] ?? 0).padStart(8)} / ${String(lag).padStart(8)}`,
    );
console.log(`drained every group ${r.drainSeconds.toFixed(1)} s after the load ended`);
const exact = stored.rows === load.sent && stored.distinct_steps === load.sent;
console.log(
  `Postgres: ${stored.rows} event rows, ${stored.distinct_steps} distinct steps, ${load.sent} accepted: ${exact ? 'every event exactly once' : 'MISMATCH'}`,
);
console.log(
  `guidance: looping sessions guided ${r.guidance.looping_guided}; clean sessions guided ${r.guidance.clean_guided}`,
);
console.log(`CPU % of one core while loading (${r.cpu.seconds.toFixed(1)} s; 200% is both cores):`);
const total = Object.values(r.cpu.cpu).reduce((a, b) => a + b, 0);
console.log(
  '  ' +
    Object.entries(r.cpu.cpu)
      .map(([name, s]) => `${name} ${((s / r.cpu.seconds) * 100).toFixed(0)}%`)
      .join(', ') +
    `; total ${((total / r.cpu.seconds) * 100).toFixed(0)}%, ${((total / load.sent) * 1e6).toFixed(0)} µs per event`,
);
if (!exact) process.exitCode = 1;
