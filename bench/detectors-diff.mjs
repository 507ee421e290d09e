// bench/detectors-diff: whether two builds of @wink/detectors find the same, event by event.
// Every session of the development set (../shared/data, when present), the samples and the
// importer fixtures — and, with --events, the windows captured from the unit tier
// (bench/lib/capture-windows.mjs) — goes through both builds as is and altered: non-ASCII
// characters and lone surrogates inserted, replayed (seqs continued, and seqs repeated), tool
// outputs stretched to 20k characters, and stretched with non-ASCII. After each event the
// findings are compared, and the windows' state (every field both builds have). Exit 1 on any
// difference. Run: node bench/detectors-diff.mjs --baseline PATH/TO/dist/index.js [--events DIR]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as current from '@wink/detectors';
import { importData, importFile } from '@wink/importers';
import { solaSt } from '@wink/devset/dist/sources/sola-st.js';
import { tauBench } from '@wink/devset/dist/sources/tau-bench.js';

const { values: opts } = parseArgs({
  options: { baseline: { type: 'string' }, events: { type: 'string' } },
});
if (!opts.baseline)
  throw new Error('usage: detectors-diff --baseline PATH/TO/dist/index.js [--events DIR]');
const baseline = await import(pathToFileURL(resolve(opts.baseline)).href);
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.env.WINK_SHARED_DATA ?? `${root}../shared/data`;

const sessions = [];
if (existsSync(dataDir)) {
  const lines = [
    ...tauBench(dataDir),
    ...solaSt(dataDir, 'repairagent'),
    ...solaSt(dataDir, 'autocoderover'),
  ];
  for (const l of lines)
    sessions.push({ events: importData(l.format, l.events ?? l.messages, l.sessionId) });
}
const files = [
  ...['looping-session.jsonl', 'clean-session.jsonl'].map((f) => `${root}samples/${f}`),
  ...readdirSync(`${root}libs/importers/fixtures`).map(
    (f) => `${root}libs/importers/fixtures/${f}`,
  ),
];
for (const f of files) for (const s of importFile(f).sessions) sessions.push({ events: s.events });
if (opts.events) {
  const captured = new Map();
  for (const f of readdirSync(opts.events)) {
    for (const line of readFileSync(`${opts.events}/${f}`, 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      const key = `${f}:${r.window}`;
      if (!captured.has(key))
        captured.set(key, { partial: r.partial, capacity: r.capacity, events: [] });
      captured.get(key).events.push(r.event);
    }
  }
  sessions.push(...captured.values());
}
const original = JSON.parse(JSON.stringify(sessions));

let seed = 12345;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const INSERTS = [
  'é',
  '日本語',
  '😀',
  '\ud800',
  '\udfff',
  '\u00a0',
  'Ω/x_1.py',
  '\ud83d',
  '\u2028',
  'İ',
  'ß',
];
const KEPT = new Set(['sessionId', 'eventId', 'kind', 'role', 'callId', 'ts', 'name']);
function insertNonAscii(s) {
  let out = s;
  const at = () => Math.floor(random() * (out.length + 1));
  for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) {
    const i = at();
    out = out.slice(0, i) + INSERTS[Math.floor(random() * INSERTS.length)] + out.slice(i);
  }
  // Often near the start too, where the capped prefixes are read.
  if (random() < 0.5) {
    const i = Math.floor(random() * Math.min(out.length, 40));
    out = out.slice(0, i) + INSERTS[Math.floor(random() * INSERTS.length)] + out.slice(i);
  }
  return out;
}
/** Every string of an event but its ids, kinds and names, mapped. */
function mapStrings(v, f) {
  if (typeof v === 'string') return v ? f(v) : v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [
      k,
      KEPT.has(k) && typeof x === 'string' ? x : mapStrings(x, f),
    ]),
  );
}
function stretch(s) {
  if (!s) return s;
  let out = s;
  while (out.length < 20_000) out += `\n${s}`;
  return out.slice(0, 20_000 + Math.floor(random() * 50));
}
const alter = (f) => original.map((s) => ({ ...s, events: f(s.events) }));
const stretched = alter((events) =>
  events.map((e) =>
    e.result
      ? {
          ...e,
          result: { ...e.result, output: stretch(e.result.output), error: stretch(e.result.error) },
        }
      : (e.kind === 'message' || e.kind === 'task') && random() < 0.3
        ? { ...e, text: stretch(e.text) }
        : e,
  ),
);
const sets = [
  ['as recorded', original],
  [
    'non-ASCII and lone surrogates inserted',
    alter((events) => events.map((e) => mapStrings(e, insertNonAscii))),
  ],
  [
    'replayed, seqs continued',
    alter((events) => {
      const next = Math.max(0, ...events.map((e) => e.seq)) + 1;
      return [...events, ...events.map((e) => ({ ...e, seq: e.seq + next }))];
    }),
  ],
  ['replayed, seqs repeated', alter((events) => [...events, ...events])],
  ['tool outputs stretched to 20k', stretched],
  [
    'stretched, non-ASCII inserted',
    stretched.map((s) => ({ ...s, events: s.events.map((e) => mapStrings(e, insertNonAscii)) })),
  ],
];

function snapshot(v) {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) return Array.from(v);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, snapshot(x)]) };
  if (v instanceof Set) return { set: [...v] };
  if (Array.isArray(v)) return v.map(snapshot);
  return Object.fromEntries(Object.keys(v).map((k) => [k, snapshot(v[k])]));
}
/** The paths of the fields both snapshots have whose values differ; `only` collects the others. */
function differences(a, b, path, only, out = []) {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    for (const k of Object.keys(a)) {
      if (k in b) differences(a[k], b[k], `${path}.${k}`, only, out);
      else only.add(`baseline ${path}.${k}`);
    }
    for (const k of Object.keys(b)) if (!(k in a)) only.add(`current ${path}.${k}`);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path);
  return out;
}

const only = new Set();
let failed = false;
for (const [label, set] of sets) {
  let events = 0;
  let findings = 0;
  let findingDiffs = 0;
  let stateDiffs = 0;
  for (const s of set) {
    const windows = [new baseline.SessionWindow(s.capacity), new current.SessionWindow(s.capacity)];
    for (const w of windows) w.partial = Boolean(s.partial);
    // Each build parses its own copy, as the classifier parses each message.
    const copies = [JSON.parse(JSON.stringify(s.events)), JSON.parse(JSON.stringify(s.events))];
    for (let i = 0; i < s.events.length; i++) {
      const before = JSON.stringify(baseline.observe(windows[0], copies[0][i]));
      const after = JSON.stringify(current.observe(windows[1], copies[1][i]));
      events++;
      findings += JSON.parse(before).length;
      if (before !== after) {
        if (findingDiffs++ < 3)
          console.log(`findings differ (${label}, event ${i}):\n  ${before}\n  ${after}`);
      }
      const state = differences(snapshot(windows[0]), snapshot(windows[1]), 'window', only);
      if (state.length > 0 && stateDiffs++ < 3)
        console.log(`window state differs (${label}, event ${i}): ${state.slice(0, 5).join(', ')}`);
    }
  }
  failed ||= findingDiffs > 0 || stateDiffs > 0;
  console.log(
    `${label}: ${set.length} sessions, ${events} events, ${findings} findings; events with other findings ${findingDiffs}, with other window state ${stateDiffs}`,
  );
}
if (only.size > 0) console.log(`not compared (in one build only): ${[...only].join(', ')}`);
process.exit(failed ? 1 : 0);
