// bench/storage-cost: what each index and trigger on the hot tables costs Postgres per row. The
// recorder's own statements (HistoryWriter, one statement per batch) write a mixed backlog of
// events and verdicts into a scratch database, once with the schema as migrated and once without
// each index or trigger in turn (re-creating what the migrations dropped, to price it too); the
// figure is the CPU time of the one Postgres backend doing the writes (/proc/PID/schedstat, ns),
// median over the repetitions, variants interleaved. Background writers and WAL flushes are not
// counted. Hot tables are emptied before each run, so every run starts from the same state.
// --writer-from DIR takes the writer from another built tree (e.g. /work/main), for a before/after;
// --compare DIR instead runs that tree's writer and this one's alternately in this process, on the
// schema as migrated only (each on its own connection), and prints both and their ratio.
//   npm run bench:storage-cost -- [--rows 20000] [--batch 500] [--reps 5] [--sessions 2000]
//     [--writer-from DIR | --compare DIR]
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { mixedEventRecord } from './lib/mixed-backlog.mjs';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    reps: { type: 'string', default: '5' },
    sessions: { type: 'string', default: '2000' },
    'writer-from': { type: 'string' },
    compare: { type: 'string' },
  },
});
const rows = Number(values.rows);
const batchSize = Number(values.batch);
const reps = Number(values.reps);
const sessions = Number(values.sessions);

const base = new URL(
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wink_bench',
);
base.pathname = `${base.pathname}_storage`;
const { createDataSource, ensureDatabase } = await import('@wink/persistence');
const writerIn = (dir) => `file://${dir.replace(/\/$/, '')}/`;
const writerTree = values['writer-from'] ? writerIn(values['writer-from']) : '../';
const { HistoryWriter } = await import(
  `${writerTree}services/recorder/dist/recording/history-writer.js`
);
const { HistoryWriter: OtherWriter } = values.compare
  ? await import(`${writerIn(values.compare)}services/recorder/dist/recording/history-writer.js`)
  : {};
const { CATEGORIES, TAXONOMY } = await import('@wink/contracts');

/** What is priced: how to take it away and how to put it back. */
const PRICED = [
  index('events', 'events_session_seq_idx', '(tenant_id, session_id, seq)'),
  index('events', 'events_tenant_received_idx', '(tenant_id, received_at)'),
  index('sessions', 'sessions_tenant_last_seen_idx', '(tenant_id, last_seen_at DESC)'),
  index('sessions', 'sessions_tenant_received_idx', '(tenant_id, first_received_at)'),
  index('sessions', 'sessions_tenant_first_seen_idx', '(tenant_id, first_seen_at)'),
  index('verdicts', 'verdicts_session_idx', '(tenant_id, session_id, at_seq)'),
  index('verdicts', 'verdicts_tenant_created_idx', '(tenant_id, created_at)'),
  trigger(
    'sessions',
    'sessions_new_mark_daily_rates',
    'AFTER INSERT ON sessions REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_sessions_dirty()',
  ),
  trigger(
    'sessions',
    'sessions_changed_mark_daily_rates',
    `AFTER UPDATE ON sessions FOR EACH ROW WHEN (OLD.agent_name IS DISTINCT FROM NEW.agent_name
       OR OLD.model IS DISTINCT FROM NEW.model
       OR (OLD.first_seen_at AT TIME ZONE 'UTC')::date <> (NEW.first_seen_at AT TIME ZONE 'UTC')::date)
     EXECUTE FUNCTION wink_mark_session_dirty()`,
  ),
  trigger(
    'session_misbehaviours',
    'misbehaviours_new_mark_daily_rates',
    'AFTER INSERT ON session_misbehaviours REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_sessions_dirty()',
  ),
];
/** Migration SessionChangesMarkedPerRow1764700001000's predecessor, priced as a replacement. */
const STATEMENT_LEVEL_CHANGED_TRIGGER = {
  table: 'sessions',
  label:
    'sessions_changed_mark_daily_rates as a statement trigger joining its transition tables (before)',
  remove: [
    'DROP TRIGGER sessions_changed_mark_daily_rates ON sessions',
    `CREATE OR REPLACE FUNCTION wink_bench_mark_changed_sessions_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO daily_rates_dirty_sessions (tenant_id, session_id)
        SELECT n.tenant_id, n.session_id FROM changed n JOIN previous p USING (tenant_id, session_id)
         WHERE n.agent_name IS DISTINCT FROM p.agent_name OR n.model IS DISTINCT FROM p.model
            OR (n.first_seen_at AT TIME ZONE 'UTC')::date <> (p.first_seen_at AT TIME ZONE 'UTC')::date
         ORDER BY 1, 2 ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`,
    `CREATE TRIGGER sessions_changed_mark_daily_rates AFTER UPDATE ON sessions
      REFERENCING OLD TABLE AS previous NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION wink_bench_mark_changed_sessions_dirty()`,
  ],
  restore: ['DROP TRIGGER sessions_changed_mark_daily_rates ON sessions'],
};
function index(table, name, columns) {
  return {
    table,
    name,
    label: `index ${name}`,
    remove: [`DROP INDEX IF EXISTS ${name}`],
    restore: [`CREATE INDEX IF NOT EXISTS ${name} ON ${table} ${columns}`],
  };
}
function trigger(table, name, definition) {
  return {
    table,
    name,
    label: `trigger ${name}`,
    remove: [`DROP TRIGGER IF EXISTS ${name} ON ${table}`],
    restore: [`CREATE OR REPLACE TRIGGER ${name} ${definition}`],
  };
}
STATEMENT_LEVEL_CHANGED_TRIGGER.restore.push(
  ...PRICED.find((p) => p.name === 'sessions_changed_mark_daily_rates').restore,
);
const DROPPED = PRICED.filter((p) =>
  ['events_tenant_received_idx', 'sessions_tenant_first_seen_idx'].includes(p.name),
);
const HOT = [
  'events',
  'sessions',
  'verdicts',
  'session_misbehaviours',
  'daily_rates_dirty_sessions',
];

/** bench:consumer-cost's mixed backlog, with a verdict every tenth event. */
function backlog(tenantId, run) {
  const events = [];
  const verdicts = [];
  const startMs = Date.now() - 3_600_000;
  for (let i = 0; i < rows; i++) {
    const s = i % sessions;
    const record = mixedEventRecord({ tenantId, run, i, sessions, startMs });
    const { event } = record;
    const { seq } = event;
    events.push(message(record));
    if (i % 10 === 9)
      verdicts.push(
        message({
          v: 1,
          verdictId: randomUUID(),
          tenantId,
          sessionId: event.sessionId,
          category: CATEGORIES[s % CATEGORIES.length],
          subtype: TAXONOMY[CATEGORIES[s % CATEGORIES.length]][0],
          confidence: 0.9,
          signature: `sig-${s}`,
          evidence: { fromSeq: 0, toSeq: seq, reason: 'the same call again' },
          detector: 'bench',
          atSeq: seq,
          createdAt: Date.now(),
          sourceReceivedAt: Date.now(),
        }),
      );
  }
  return { events, verdicts };
}
const message = (value) => ({ value, bytes: Buffer.from(JSON.stringify(value)) });

/** CPU time of a process in ns (schedstat), or from /proc/PID/stat's ticks without it. */
function cpuNs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 1e7;
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const backendPid = async (source) => (await source.query('SELECT pg_backend_pid() AS pid'))[0].pid;

await ensureDatabase(base.toString());
const db = await createDataSource(base.toString(), 1).initialize();
let otherDb;
try {
  await db.runMigrations({ transaction: 'each' });
  for (const p of PRICED) for (const sql of p.restore) await db.query(sql);
  const [{ tenant }] = await db.query(
    `INSERT INTO tenants (name) VALUES ($1) RETURNING id::text AS tenant`,
    [`storage-bench-${randomUUID()}`],
  );
  const self = { writer: new HistoryWriter(db), pid: await backendPid(db) };

  async function run(without, { writer, pid } = self) {
    await db.query(`TRUNCATE ${HOT.join(', ')}`);
    for (const p of without) for (const sql of p.remove) await db.query(sql);
    const { events, verdicts } = backlog(tenant, randomUUID().slice(0, 8));
    const before = cpuNs(pid);
    for (let i = 0; i < events.length; i += batchSize)
      await writer.writeEvents(events.slice(i, i + batchSize));
    const eventsNs = cpuNs(pid) - before;
    for (let i = 0; i < verdicts.length; i += batchSize)
      await writer.writeVerdicts(verdicts.slice(i, i + batchSize));
    const verdictsNs = cpuNs(pid) - before - eventsNs;
    for (const p of without) for (const sql of p.restore) await db.query(sql);
    return { event: eventsNs / 1000 / events.length, verdict: verdictsNs / 1000 / verdicts.length };
  }

  if (values.compare) {
    otherDb = await createDataSource(base.toString(), 1).initialize();
    const other = { writer: new OtherWriter(otherDb), pid: await backendPid(otherDb) };
    const runs = { self: [], other: [] };
    await run(DROPPED, self); // warm-up of each
    await run(DROPPED, other);
    for (let r = 0; r < reps; r++)
      for (const who of r % 2 ? ['other', 'self'] : ['self', 'other'])
        runs[who].push(await run(DROPPED, who === 'self' ? self : other));
    for (const p of DROPPED) for (const sql of p.remove) await db.query(sql); // left as migrated
    const perRow = (who, kind) => median(runs[who].map((x) => x[kind]));
    console.log(
      `schema as migrated; ${rows.toLocaleString('en-US')} events (${sessions} sessions) and ${(rows / 10).toLocaleString('en-US')} verdicts per run, batches of ${batchSize}, ${reps} runs of each writer alternated; Postgres backend CPU, medians`,
    );
    for (const kind of ['event', 'verdict'])
      console.log(
        `  per ${kind}: this tree ${perRow('self', kind).toFixed(1)} µs, ${values.compare} ${perRow('other', kind).toFixed(1)} µs (${(perRow('self', kind) / perRow('other', kind)).toFixed(2)}×)`,
      );
  } else {
    const variants = [[], DROPPED, ...PRICED.map((p) => [p]), [STATEMENT_LEVEL_CHANGED_TRIGGER]];
    const results = new Map(variants.map((v) => [v, []]));
    await run([]); // warm-up: plans prepared, caches filled
    for (let r = 0; r < reps; r++) for (const v of variants) results.get(v).push(await run(v));
    for (const p of DROPPED) for (const sql of p.remove) await db.query(sql); // left as migrated

    const perRow = (v) => ({
      event: median(results.get(v).map((x) => x.event)),
      verdict: median(results.get(v).map((x) => x.verdict)),
    });
    const { event: allEvent, verdict: allVerdict } = perRow(variants[0]);
    const migrated = perRow(DROPPED);
    console.log(
      `writer of ${values['writer-from'] ?? 'this tree'}; ${rows.toLocaleString('en-US')} events (${sessions} sessions) and ${(rows / 10).toLocaleString('en-US')} verdicts per run, batches of ${batchSize}, ${reps} runs per variant; Postgres backend CPU, medians`,
    );
    console.log(
      `all of the below present: ${allEvent.toFixed(1)} µs per event, ${allVerdict.toFixed(1)} µs per verdict`,
    );
    console.log(
      `as migrated (without the ${DROPPED.length} dropped): ${migrated.event.toFixed(1)} µs per event, ${migrated.verdict.toFixed(1)} µs per verdict`,
    );
    console.log('cost of each (with it − without it), per row written:');
    for (const [i, p] of PRICED.entries()) {
      const without = perRow(variants[i + 2]);
      const cost = ['events', 'sessions'].includes(p.table)
        ? `${(allEvent - without.event).toFixed(1)} µs/event`
        : `${(allVerdict - without.verdict).toFixed(1)} µs/verdict`;
      console.log(
        `  ${p.label.padEnd(44)} ${cost.padStart(16)}${DROPPED.includes(p) ? '   (dropped by migration LeanHotIndexes1764700000000)' : ''}`,
      );
    }
    const before = perRow(variants.at(-1));
    console.log(
      `schema before migrations LeanHotIndexes1764700000000 and SessionChangesMarkedPerRow1764700001000: ${before.event.toFixed(1)} µs per event, ${before.verdict.toFixed(1)} µs per verdict`,
    );
    console.log(
      `  ${STATEMENT_LEVEL_CHANGED_TRIGGER.label}: ${(before.event - allEvent).toFixed(1)} µs/event more than the row trigger`,
    );
  }
} finally {
  await db.destroy();
  await otherDb?.destroy();
}
