import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  issueApiKey,
  maintainEventPartitions,
  refreshDailyRates,
  retentionDaysOf,
  setRetentionDays,
} from '@wink/persistence';
import { openMigratedDatabase } from '@wink/persistence/testing/test-database.js';
import { dropDatabase, siblingDatabaseUrl } from './harness/infrastructure.js';

// Its own database: the maintenance drops partitions for everyone in it.
const URL_ = siblingDatabaseUrl('retention');
const DAY = 86_400_000;
const NOW = Date.now();
const dayName = (ms: number) =>
  `events_${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}`;

describe('events partitioned by day, retention and the incremental daily rates (real Postgres)', () => {
  let db: DataSource;
  let tenantId: string;

  /** Inserts one event the way the recorder does; returns how many rows were new. */
  async function insertEvent(
    sessionId: string,
    eventId: string,
    ts: number,
    receivedAt = ts,
    tenant = tenantId,
  ) {
    const rows = await db.query(
      `INSERT INTO events (tenant_id, event_id, session_id, seq, kind, ts, received_at, payload)
       VALUES ($1, $2, $3, 0, 'message', $4, $5, '{}') ON CONFLICT DO NOTHING RETURNING 1`,
      [tenant, eventId, sessionId, new Date(ts), new Date(receivedAt)],
    );
    return rows.length;
  }

  const whereIs = async (sessionId: string, tenant = tenantId): Promise<string[]> =>
    (
      await db.query(
        `SELECT tableoid::regclass::text AS part FROM events WHERE tenant_id = $1 AND session_id = $2
          ORDER BY ts`,
        [tenant, sessionId],
      )
    ).map((r: { part: string }) => r.part);

  before(async () => {
    await dropDatabase(URL_);
    db = await openMigratedDatabase(URL_);
    tenantId = (await issueApiKey(db, `retention-${randomUUID()}`)).tenantId;
  });

  after(async () => {
    await db?.destroy();
    await dropDatabase(URL_);
  });

  it('drops a duplicate event in any partition, with no conflict target', async () => {
    for (const ts of [NOW - 2 * DAY, NOW - 400 * DAY]) {
      const id = randomUUID();
      assert.equal(await insertEvent('dup', id, ts, NOW), 1);
      assert.equal(await insertEvent('dup', id, ts, NOW + 1000), 0, 'a re-sent event');
    }
  });

  it('creates partitions ahead, drops expired ones, and keeps labelled sessions', async () => {
    await insertEvent('old', 'old-1', NOW - 45 * DAY);
    await insertEvent('old-labelled', 'old-labelled-1', NOW - 45 * DAY);
    await db.query(
      `INSERT INTO labels (tenant_id, session_id, judgement, labelled_by) VALUES ($1, 'old-labelled', 'true_positive', 'test')`,
      [tenantId],
    );
    await insertEvent('recent', 'recent-1', NOW - 2 * DAY);
    await insertEvent('future', 'future-1', NOW + 60 * DAY);
    await insertEvent('imported', 'imported-1', NOW - 100 * DAY, NOW);
    assert.deepEqual(await whereIs('old'), ['events_default'], 'older than the first partition');

    // A longer retention first: the old day gets its partition, its rows moved out of the default.
    const widened = await maintainEventPartitions(db, { retentionDays: 60, aheadDays: 7 }, NOW);
    assert.equal(widened.created.length, 30);
    assert.deepEqual(widened.dropped, []);
    assert.deepEqual(await whereIs('old'), [dayName(NOW - 45 * DAY)]);
    assert.deepEqual(await whereIs('recent'), [dayName(NOW - 2 * DAY)]);

    const report = await maintainEventPartitions(db, { retentionDays: 30, aheadDays: 7 }, NOW);
    assert.equal(report.dropped.length, 30, 'the 30 days before the window');
    assert.ok(report.dropped.includes(dayName(NOW - 45 * DAY)));
    assert.equal(report.keptLabelled, 1);
    assert.deepEqual(await whereIs('old'), []);
    assert.deepEqual(await whereIs('old-labelled'), ['events_default']);
    assert.deepEqual(await whereIs('recent'), [dayName(NOW - 2 * DAY)]);
    assert.deepEqual(await whereIs('imported'), ['events_default'], 'received today: kept');

    // Seventy days later: the future day's partition takes its row; the rest has expired.
    const later = await maintainEventPartitions(
      db,
      { retentionDays: 30, aheadDays: 7 },
      NOW + 70 * DAY,
    );
    assert.ok(later.created.includes(new Date(NOW + 60 * DAY).toISOString().slice(0, 10)));
    assert.ok(later.dropped.includes(dayName(NOW - 2 * DAY)));
    assert.deepEqual(await whereIs('future'), [dayName(NOW + 60 * DAY)]);
    assert.deepEqual(await whereIs('recent'), []);
    assert.deepEqual(await whereIs('imported'), []);
    assert.deepEqual(await whereIs('old-labelled'), ['events_default'], 'labelled: for good');
    assert.ok(later.expiredDefault >= 1);
    const [{ sessions }] = await db.query(
      `SELECT count(*)::int AS sessions FROM labels WHERE tenant_id = $1`,
      [tenantId],
    );
    assert.equal(sessions, 1, 'labels are never touched');
  });

  it("keeps each tenant's own retention: partitions dropped past the longest, shorter ones deleted in batches", async () => {
    const short = (await issueApiKey(db, `short-${randomUUID()}`)).tenantId;
    const long = (await issueApiKey(db, `long-${randomUUID()}`)).tenantId;
    const global = (await issueApiKey(db, `global-${randomUUID()}`)).tenantId;
    await setRetentionDays(db, short, 3);
    await setRetentionDays(db, long, 90);
    assert.equal(await retentionDaysOf(db, long), 90);
    assert.equal(await retentionDaysOf(db, global), null);
    await assert.rejects(setRetentionDays(db, long, 366), /retention_days_bounds/);

    // Each tenant: events 1, 10, 50 and 120 days old, one more session of them labelled, and one
    // old event imported today; the short tenant has more than a batch of 10-day-old steps.
    const ages = [1, 10, 50, 120];
    for (const t of [short, long, global]) {
      for (const age of ages)
        await insertEvent(`s-${age}`, `${t}-${age}`, NOW - age * DAY, undefined, t);
      await insertEvent('labelled', `${t}-labelled`, NOW - 50 * DAY, undefined, t);
      await insertEvent('imported', `${t}-imported`, NOW - 50 * DAY, NOW - DAY, t);
      await db.query(
        `INSERT INTO labels (tenant_id, session_id, judgement, labelled_by) VALUES ($1, 'labelled', 'clean', 'test')`,
        [t],
      );
    }
    for (let i = 0; i < 25; i++)
      await insertEvent('busy', `busy-${i}`, NOW - 10 * DAY - i * 60_000, undefined, short);
    for (const [t, at] of [
      [short, NOW - 10 * DAY],
      [long, NOW - 10 * DAY],
      [null, NOW - 40 * DAY],
    ] as const)
      await db.query(
        `INSERT INTO dead_letters (id, tenant_id, source_topic, partition, "offset", value, failure, error,
                                   attempts, service, consumer_group, dead_at)
         VALUES ($1, $2, 'events', 0, 1, '\\x00', 'schema', 'bad', 1, 'recorder', 'wink-recorder', $3)`,
        [randomUUID(), t, new Date(at)],
      );

    const report = await maintainEventPartitions(
      db,
      { retentionDays: 30, aheadDays: 7, batchRows: 10 },
      NOW,
    );
    assert.equal(report.longestDays, 90);
    // (The previous test left no day partition before today + 40: those days were in the default one.)
    assert.deepEqual(report.dropped, [], 'none before the 90 days; the 50-day one is still needed');
    assert.equal(report.expiredDefault, 3, 'the 120-day-old steps');
    assert.deepEqual(await whereIs('s-50', long), [dayName(NOW - 50 * DAY)]);
    assert.deepEqual(await whereIs('s-120', long), [], 'past the longest retention');
    // The short tenant (3 days) and the one on the global 30 days: their rows deleted.
    assert.deepEqual(await whereIs('s-1', short), [dayName(NOW - DAY)]);
    assert.deepEqual(await whereIs('s-10', short), []);
    assert.deepEqual(await whereIs('busy', short), [], 'more than one batch');
    assert.deepEqual(await whereIs('s-10', global), [dayName(NOW - 10 * DAY)]);
    assert.deepEqual(await whereIs('s-50', global), []);
    for (const t of [short, long, global]) {
      assert.deepEqual(await whereIs('labelled', t), [dayName(NOW - 50 * DAY)], 'labelled: kept');
      assert.deepEqual(
        await whereIs('imported', t),
        [dayName(NOW - 50 * DAY)],
        'arrived 1 day ago',
      );
    }
    assert.equal(report.expiredShorter, 1 + 25 + 1 + 1, 'short: 10, busy, 50; global: 50');
    assert.equal(report.expiredDeadLetters, 2, "the short tenant's and the tenantless one");
    const [{ left }] = await db.query(
      `SELECT count(*)::int AS left FROM dead_letters WHERE tenant_id = $1`,
      [long],
    );
    assert.equal(left, 1);

    // The long tenant comes back to the global retention: the 50-day partition goes, its
    // labelled rows kept in the default partition.
    await setRetentionDays(db, long, null);
    const after = await maintainEventPartitions(db, { retentionDays: 30, aheadDays: 7 }, NOW);
    assert.equal(after.longestDays, 30);
    assert.ok(after.dropped.includes(dayName(NOW - 50 * DAY)));
    assert.deepEqual(await whereIs('s-50', long), []);
    for (const t of [short, long, global])
      assert.deepEqual(await whereIs('labelled', t), ['events_default']);
    const again = await maintainEventPartitions(db, { retentionDays: 30, aheadDays: 7 }, NOW);
    assert.equal(
      again.expiredShorter + again.expiredDefault + again.dropped.length,
      0,
      'idempotent',
    );
  });

  it('trims each tenant only through the days newly past its cutoff; a retention set or shortened gets a full pass', async () => {
    const keeper = (await issueApiKey(db, `keeper-${randomUUID()}`)).tenantId;
    const mid = (await issueApiKey(db, `mid-${randomUUID()}`)).tenantId;
    await setRetentionDays(db, keeper, 90);
    const policy = { retentionDays: 30, aheadDays: 7, batchRows: 10 };
    await maintainEventPartitions(db, policy, NOW); // the 90 days' partitions; every tenant marked
    const cut = Date.parse(new Date(NOW - 30 * DAY).toISOString().slice(0, 10)); // mid's cutoff

    for (const age of [5, 20, 40])
      await insertEvent(`m-${age}`, `m-${age}`, NOW - age * DAY, undefined, mid);
    await insertEvent('labelled', 'm-labelled', NOW - 50 * DAY, undefined, mid);
    await db.query(
      `INSERT INTO labels (tenant_id, session_id, judgement, labelled_by) VALUES ($1, 'labelled', 'clean', 'test')`,
      [mid],
    );
    await insertEvent('boundary', 'm-boundary', cut + 1000, undefined, mid);
    // Stamped a minute before the cutoff day, received an hour into it: kept until the cutoff passes.
    await insertEvent('late', 'm-late', cut - 60_000, cut + 3_600_000, mid);
    // A trajectory imported just after the cutoff day began, its steps 60 days old.
    await insertEvent('imported', 'm-imported', NOW - 60 * DAY, cut + 7_200_000, mid);
    await db.query(
      `INSERT INTO sessions (tenant_id, session_id, agent_name, first_seen_at, last_seen_at, last_seq,
                             event_count, first_received_at)
       VALUES ($1, 'imported', 'claude-code', $2, $2, 0, 1, $3)`,
      [mid, new Date(NOW - 60 * DAY), new Date(cut + 7_200_000)],
    );
    // Imported 15 days ago: within 30 days of its arrival, not of 10.
    await insertEvent('imported-15', 'm-imported-15', NOW - 60 * DAY, NOW - 15 * DAY, mid);

    // The settings endpoint's write clears the mark: mid alone gets a full pass.
    await setRetentionDays(db, mid, null);
    const first = await maintainEventPartitions(db, policy, NOW);
    assert.equal(first.fullPasses, 1);
    assert.deepEqual(await whereIs('m-40', mid), []);
    for (const kept of ['m-5', 'm-20', 'labelled', 'boundary', 'late', 'imported', 'imported-15'])
      assert.equal((await whereIs(kept, mid)).length, 1, kept);

    const [{ shorter }] = await db.query(
      `SELECT count(*)::int AS shorter FROM tenants WHERE coalesce(retention_days, 30) < 90`,
    );
    const second = await maintainEventPartitions(db, policy, NOW);
    assert.equal(second.fullPasses, 0);
    assert.equal(second.expiredShorter, 0);
    assert.equal(
      second.scannedShorter,
      3 * shorter,
      'each tenant: the two days before its cutoff (late arrivals) and the default partition',
    );

    const nextDay = await maintainEventPartitions(db, policy, NOW + DAY);
    assert.equal(nextDay.fullPasses, 0);
    assert.equal(
      nextDay.scannedShorter,
      4 * shorter + 1,
      "one more day each, and for mid the imported trajectory's partition",
    );
    assert.equal(nextDay.expiredShorter, 3);
    for (const gone of ['boundary', 'late', 'imported'])
      assert.deepEqual(await whereIs(gone, mid), [], gone);

    // Shortened to 10 days: the whole history again, so the import kept for its arrival goes too.
    await setRetentionDays(db, mid, 10);
    const shortened = await maintainEventPartitions(db, policy, NOW + DAY);
    assert.equal(shortened.fullPasses, 1);
    assert.ok(shortened.scannedShorter > 4 * shorter + 50, 'every day partition before the cutoff');
    assert.deepEqual(await whereIs('m-20', mid), []);
    assert.deepEqual(await whereIs('imported-15', mid), []);
    assert.deepEqual(await whereIs('m-5', mid), [dayName(NOW - 5 * DAY)]);
    assert.deepEqual(await whereIs('labelled', mid), [dayName(NOW - 50 * DAY)], 'labelled: kept');
    await setRetentionDays(db, keeper, null);
    while ((await refreshDailyRates(db, 100)) > 0); // the imported session: counted, out of the rates' test
  });

  it('runs one maintenance at a time: a second one while the lock is held does nothing', async () => {
    const holder = db.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('wink:event-partitions', 0))`);
      const skipped = await maintainEventPartitions(db, { retentionDays: 1, aheadDays: 60 }, NOW);
      assert.deepEqual(skipped.created, []);
      assert.deepEqual(skipped.dropped, []);
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended('wink:event-partitions', 0))`);
      const ran = await maintainEventPartitions(db, { retentionDays: 30, aheadDays: 60 }, NOW);
      assert.ok(ran.created.length > 0, 'the days up to 60 ahead');
    } finally {
      await holder.release();
    }
  });

  it('keeps the daily rates equal to a recomputation, refreshing only what changed', async () => {
    const t = (await issueApiKey(db, `rates-${randomUUID()}`)).tenantId;
    const session = (id: string, day: number, model: string | null, agent = 'claude-code') =>
      db.query(
        `INSERT INTO sessions (tenant_id, session_id, agent_name, model, first_seen_at, last_seen_at,
                               last_seq, event_count, first_received_at)
         VALUES ($1, $2, $3, $4, $5, $5, 0, 1, $5)
         ON CONFLICT (tenant_id, session_id) DO UPDATE SET model = coalesce(EXCLUDED.model, sessions.model),
           first_seen_at = least(sessions.first_seen_at, EXCLUDED.first_seen_at), event_count = sessions.event_count + 1`,
        [t, id, agent, model, new Date(NOW - day * DAY)],
      );
    const misbehaviour = (id: string, category: string, subtype: string) =>
      db.query(
        `INSERT INTO session_misbehaviours VALUES ($1, $2, $3, $4, 1, 1, now())
         ON CONFLICT (tenant_id, session_id, subtype) DO UPDATE SET verdicts = session_misbehaviours.verdicts + 1`,
        [t, id, subtype, category],
      );
    const drain = async () => {
      let total = 0;
      for (let n = await refreshDailyRates(db, 3); n > 0; n = await refreshDailyRates(db, 3))
        total += n;
      return total;
    };
    const rates = () =>
      db.query(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, agent_name, model, dimension, key, sessions, flagged
           FROM daily_rates WHERE tenant_id = $1 ORDER BY 1, 2, 3, 4, 5`,
        [t],
      );
    const recomputed = () =>
      db.query(
        `WITH scoped AS (
           SELECT s.tenant_id, (s.first_seen_at AT TIME ZONE 'UTC')::date AS day, s.agent_name,
                  coalesce(s.model, '') AS model, s.session_id FROM sessions s WHERE s.tenant_id = $1
         ), shown AS (
           SELECT sc.*, m.category, m.subtype FROM scoped sc
             JOIN session_misbehaviours m ON m.tenant_id = sc.tenant_id AND m.session_id = sc.session_id
         ), rows AS (
           SELECT day, agent_name, model, 'all' AS dimension, '' AS key, count(*)::int AS sessions,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m
                    WHERE m.tenant_id = scoped.tenant_id AND m.session_id = scoped.session_id))::int AS flagged
             FROM scoped GROUP BY day, agent_name, model
           UNION ALL
           SELECT day, agent_name, model, 'category', category, 0, count(DISTINCT session_id)::int
             FROM shown GROUP BY day, agent_name, model, category
           UNION ALL
           SELECT day, agent_name, model, 'subtype', subtype, 0, count(*)::int
             FROM shown GROUP BY day, agent_name, model, subtype)
         SELECT to_char(day, 'YYYY-MM-DD') AS day, agent_name, model, dimension, key, sessions, flagged
           FROM rows ORDER BY 1, 2, 3, 4, 5`,
        [t],
      );

    // A verdict before its session's events; sessions over two days and two models.
    await misbehaviour('a', 'reasoning_problem', 'repetitive_loop');
    for (const id of ['a', 'b', 'c', 'd']) await session(id, 3, 'gpt-5');
    await session('e', 5, null, 'codex');
    await misbehaviour('b', 'tool_call_failure', 'repeated_tool_error');
    assert.equal(await drain(), 5);
    assert.deepEqual(await rates(), await recomputed());

    // Arrivals: one new session, a model learnt, an earlier first step, a second subtype.
    await session('f', 1, 'claude-sonnet-4-5');
    await session('e', 5, 'qwen3-coder', 'codex');
    await session('c', 9, null);
    await misbehaviour('a', 'reasoning_problem', 'no_progress');
    await misbehaviour('a', 'reasoning_problem', 'no_progress');
    await session('d', 3, null);
    assert.equal(await drain(), 4, 'f, e, c and a: not b or d, which did not change');
    assert.deepEqual(await rates(), await recomputed());
    assert.equal(await drain(), 0);
  });
});
