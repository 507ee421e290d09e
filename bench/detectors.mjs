// bench/detectors: events per second through the whole detector set on one core, and bytes
// held per active session. Sessions are the development set's (../shared/data) when present,
// else the bundled samples and importer fixtures. Run: npm run bench:detectors
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { observe, SessionWindow } from '@wink/detectors';
import { importFile } from '@wink/importers';
import { solaSt } from '@wink/devset/dist/sources/sola-st.js';
import { tauBench } from '@wink/devset/dist/sources/tau-bench.js';
import { importData } from '@wink/importers';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.WINK_SHARED_DATA ?? `${root}../shared/data`;

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

const sessions = realisticSessions();
const events = sessions.flat();
console.log(
  `${sessions.length} realistic sessions, ${events.length} events (${existsSync(dataDir) ? 'development set' : 'samples and fixtures'})`,
);

// Memory: many sessions held at once, each fed a whole realistic session.
function heapUsed() {
  globalThis.gc?.();
  globalThis.gc?.();
  return v8.getHeapStatistics().used_heap_size;
}
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
const after = heapUsed();
console.log(
  `memory: ${Math.round((after - before) / held).toLocaleString('en-US')} bytes per active session (${held.toLocaleString('en-US')} sessions held${globalThis.gc ? '' : '; run with --expose-gc for a steadier figure'})`,
);
windows.length = 0;

// Throughput: every session replayed through fresh windows until ~3 s have passed.
for (const s of sessions.slice(0, 20)) {
  const w = new SessionWindow();
  for (const e of s) observe(w, e);
}
let processed = 0;
let findings = 0;
const started = process.hrtime.bigint();
let elapsed = 0;
while (elapsed < 3e9) {
  for (const s of sessions) {
    const w = new SessionWindow();
    for (const e of s) findings += observe(w, e).length;
    processed += s.length;
  }
  elapsed = Number(process.hrtime.bigint() - started);
}
const perSecond = processed / (elapsed / 1e9);
console.log(
  `throughput: ${Math.round(perSecond).toLocaleString('en-US')} events/s on one core (${processed.toLocaleString('en-US')} events, ${findings} findings)`,
);
