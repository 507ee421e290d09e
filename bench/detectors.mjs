// bench/detectors: events per second through the whole detector set on one core, and bytes
// held per active session. Sessions are the development set's (../shared/data) when present,
// else the bundled samples and importer fixtures. Run: npm run bench:detectors
// Before/after on a loaded machine: `npm run bench:detectors -- --baseline PATH/TO/dist/index.js`
// (another build of @wink/detectors) alternates rounds of both and prints medians and ratios.
// Whether the two builds find the same, event by event: bench/detectors-diff.mjs.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import v8 from 'node:v8';
import * as current from '@wink/detectors';
import { importFile } from '@wink/importers';
import { solaSt } from '@wink/devset/dist/sources/sola-st.js';
import { tauBench } from '@wink/devset/dist/sources/tau-bench.js';
import { importData } from '@wink/importers';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.WINK_SHARED_DATA ?? `${root}../shared/data`;
const args = process.argv.slice(2);
const baselineAt = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : null;
const rounds = Number(process.env.BENCH_ROUNDS ?? (baselineAt ? 7 : 3));

function realisticSessions() {
  if (existsSync(dataDir)) {
    const lines = [
      ...tauBench(dataDir),
      ...solaSt(dataDir, 'repairagent'),
      ...solaSt(dataDir, 'autocoderover'),
    ];
    return lines.map((l) => importData(l.format, l.events ?? l.messages, l.sessionId));
  }
  const files = [
    ...['looping-session.jsonl', 'clean-session.jsonl'].map((f) => `${root}samples/${f}`),
    ...readdirSync(`${root}libs/importers/fixtures`).map(
      (f) => `${root}libs/importers/fixtures/${f}`,
    ),
  ];
  return files.flatMap((f) => importFile(f).sessions.map((s) => s.events));
}

// Parsed anew, as the classifier parses each message: plain strings, not the importers' slices.
const sessions = JSON.parse(JSON.stringify(realisticSessions()));
const events = sessions.flat();
console.log(
  `${sessions.length} realistic sessions, ${events.length} events (${existsSync(dataDir) ? 'development set' : 'samples and fixtures'})`,
);

function heapUsed() {
  globalThis.gc?.();
  globalThis.gc?.();
  return v8.getHeapStatistics().used_heap_size;
}

/** Bytes per session with many sessions held at once, each fed a whole realistic session. */
function memory({ observe, SessionWindow }) {
  const held = 20_000;
  const copies = sessions.map((s) => JSON.stringify(s));
  const before = heapUsed();
  const windows = [];
  for (let i = 0; i < held; i++) {
    // Fresh copies, as the classifier parses each message anew: what a window keeps is its own.
    const w = new SessionWindow();
    for (const e of JSON.parse(copies[i % copies.length])) observe(w, e);
    windows.push(w);
  }
  const bytes = (heapUsed() - before) / held;
  windows.length = 0;
  return bytes;
}

/**
 * Events per CPU-second (the process's own user + system time, so a loaded machine slows the
 * clock, not the figure) over whole sessions replayed through fresh windows for about a second.
 */
function throughput({ observe, SessionWindow }) {
  let processed = 0;
  let findings = 0;
  const cpu = process.cpuUsage();
  let used = 0;
  let i = 0;
  while (used < 1e6) {
    const s = sessions[i++ % sessions.length];
    const w = new SessionWindow();
    for (const e of s) findings += observe(w, e).length;
    processed += s.length;
    if (i % 20 === 0) {
      const d = process.cpuUsage(cpu);
      used = d.user + d.system;
    }
  }
  return { perSecond: processed / (used / 1e6), findings };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const builds = [['current', current]];
if (baselineAt) builds.push(['baseline', await import(pathToFileURL(resolve(baselineAt)).href)]);
for (const [, d] of builds) throughput(d); // warm up
const results = Object.fromEntries(builds.map(([name]) => [name, { rate: [], bytes: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const [name, d] of r % 2 ? [...builds].reverse() : builds) {
    results[name].rate.push(throughput(d).perSecond);
    if (r < (baselineAt ? 1 : 3)) results[name].bytes.push(memory(d));
  }
}
for (const [name] of builds) {
  const { rate, bytes } = results[name];
  console.log(
    `${name}: throughput ${fmt(median(rate))} events/s on one core (median of ${rate.length} one-CPU-second rounds, range ${fmt(Math.min(...rate))}–${fmt(Math.max(...rate))}); memory ${fmt(median(bytes))} bytes per active session (20,000 held${globalThis.gc ? '' : '; run with --expose-gc for a steadier figure'})`,
  );
}
if (baselineAt) {
  const ratio = median(results.current.rate) / median(results.baseline.rate);
  console.log(`current / baseline throughput: ${ratio.toFixed(2)}×`);
}
