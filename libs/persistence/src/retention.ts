import type { DataSource, QueryRunner } from 'typeorm';

export interface RetentionPolicy {
  /** Events are kept at least this many days after their time (default 30), unless a tenant says otherwise. */
  retentionDays: number;
  /** Day partitions created this many days ahead (default 7). */
  aheadDays: number;
  /** Rows deleted per statement where a partition cannot be dropped whole (default 5,000). */
  batchRows?: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { retentionDays: 30, aheadDays: 7 };
const DEFAULT_BATCH_ROWS = 5_000;

export interface MaintenanceReport {
  /** The longest retention any tenant has (or the global one): partitions older are dropped. */
  longestDays: number;
  created: string[];
  dropped: string[];
  /** Rows of labelled sessions kept from the dropped partitions (now in the default one). */
  keptLabelled: number;
  /** Expired rows deleted from the default partition. */
  expiredDefault: number;
  /** Expired rows deleted, in batches, for tenants whose retention is shorter than the longest. */
  expiredShorter: number;
  /** Dead letters deleted after their tenant's retention. */
  expiredDeadLetters: number;
}

const DAY_MS = 86_400_000;
const utcDay = (ms: number) =>
  new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
const LOCK_SQL = `hashtextextended('wink:event-partitions', 0)`;
const UNLABELLED = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.tenant_id = e.tenant_id AND l.session_id = e.session_id)`;

/** Sets a tenant's event retention in days (null: the global one). */
export async function setRetentionDays(
  db: DataSource,
  tenantId: string,
  days: number | null,
): Promise<void> {
  await db.query('UPDATE tenants SET retention_days = $2 WHERE id = $1', [tenantId, days]);
}

export async function retentionDaysOf(db: DataSource, tenantId: string): Promise<number | null> {
  const rows: Array<{ retention_days: number | null }> = await db.query(
    'SELECT retention_days FROM tenants WHERE id = $1',
    [tenantId],
  );
  return rows[0]?.retention_days ?? null;
}

/**
 * The events table's maintenance (see migration PartitionEvents1764630000000), for a global
 * retention and the tenants' own (`tenants.retention_days`):
 *
 * - day partitions from the start of the longest retention window to `aheadDays` ahead exist;
 * - partitions wholly older than the longest window are dropped, except the rows of labelled
 *   sessions; the default partition's rows older than it (by their time and their arrival, so a
 *   freshly imported old trajectory gets the whole period) are deleted, labelled sessions' again
 *   excepted;
 * - a tenant whose retention is shorter than the longest has its expired rows (same rule) deleted
 *   in batches of `batchRows`, each committed on its own, partition by partition;
 * - dead letters older than their tenant's retention are deleted in batches too.
 *
 * Verdicts, guidance, deliveries, labels, sessions and the rollups are not touched: they are kept
 * for good. One maintenance runs at a time (an advisory lock); a concurrent call returns an empty
 * report.
 */
export async function maintainEventPartitions(
  db: DataSource,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  now = Date.now(),
): Promise<MaintenanceReport> {
  const batchRows = policy.batchRows ?? DEFAULT_BATCH_ROWS;
  const report: MaintenanceReport = {
    longestDays: policy.retentionDays,
    created: [],
    dropped: [],
    keptLabelled: 0,
    expiredDefault: 0,
    expiredShorter: 0,
    expiredDeadLetters: 0,
  };
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(${LOCK_SQL}) AS locked`);
    if (!locked) return report;
    try {
      const tenants: Array<{ id: string; days: number }> = await runner.query(
        `SELECT id::text, coalesce(retention_days, $1)::int AS days FROM tenants`,
        [policy.retentionDays],
      );
      report.longestDays = Math.max(policy.retentionDays, ...tenants.map((t) => t.days));
      await maintainPartitions(
        runner,
        report,
        utcDay(now - report.longestDays * DAY_MS),
        utcDay(now + policy.aheadDays * DAY_MS),
      );
      for (const tenant of tenants.filter((t) => t.days < report.longestDays))
        report.expiredShorter += await expireTenant(
          runner,
          tenant.id,
          utcDay(now - tenant.days * DAY_MS),
          batchRows,
        );
      report.expiredDeadLetters = await expireDeadLetters(runner, policy, now, batchRows);
      return report;
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${LOCK_SQL})`);
    }
  } finally {
    await runner.release();
  }
}

/** Creates the partitions of the window and ahead, drops those before it (one transaction). */
async function maintainPartitions(
  runner: QueryRunner,
  report: MaintenanceReport,
  firstKept: string,
  lastAhead: string,
): Promise<void> {
  await runner.startTransaction();
  try {
    const created: Array<{ day: string }> = await runner.query(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series($1::date, $2::date, interval '1 day') d
        WHERE wink_ensure_event_partition(d::date)`,
      [firstKept, lastAhead],
    );
    report.created = created.map((r) => r.day);
    for (const name of await dayPartitionsBefore(runner, firstKept)) {
      const [{ kept }] = await runner.query(`SELECT wink_drop_event_partition($1) AS kept`, [name]);
      report.keptLabelled += Number(kept);
      report.dropped.push(name);
    }
    const deleted = await runner.query(
      `WITH cutoff AS (SELECT $1::date::timestamp AT TIME ZONE 'UTC' AS at)
       DELETE FROM events_default e USING cutoff
        WHERE e.ts < cutoff.at AND e.received_at < cutoff.at AND ${UNLABELLED}`,
      [firstKept],
      true,
    );
    report.expiredDefault = deleted.affected ?? 0;
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction();
    throw error;
  }
}

async function dayPartitionsBefore(runner: QueryRunner, day: string): Promise<string[]> {
  const rows: Array<{ name: string }> = await runner.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
        AND to_date(substr(c.relname, 8), 'YYYYMMDD') < $1::date
      ORDER BY c.relname`,
    [day],
  );
  return rows.map((r) => r.name);
}

/**
 * Deletes one tenant's events older than `firstKept` (by time and arrival; labelled sessions
 * kept) from the day partitions before it and the default one, `batchRows` at a time by row
 * address within one partition, so each statement is short and no transaction holds many locks.
 * Each batch starts past the last address deleted, so a scan in physical order never re-reads
 * the rows it already deleted (they stay until vacuum); a last sweep from the start catches rows
 * a scan in another order (by an index) passed over.
 */
async function expireTenant(
  runner: QueryRunner,
  tenantId: string,
  firstKept: string,
  batchRows: number,
): Promise<number> {
  let deleted = 0;
  for (const part of [...(await dayPartitionsBefore(runner, firstKept)), 'events_default']) {
    for (let after = '(0,0)'; ;) {
      const [{ n, last }]: Array<{ n: number; last: string | null }> = await runner.query(
        `WITH cutoff AS (SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS at),
         gone AS (
           DELETE FROM ${part} WHERE ctid = ANY (ARRAY(
             SELECT e.ctid FROM ${part} e, cutoff
              WHERE e.ctid > $4::tid AND e.tenant_id = $1 AND e.received_at < cutoff.at
                AND e.ts < cutoff.at AND ${UNLABELLED}
              LIMIT $3))
           RETURNING ctid)
         SELECT count(*)::int AS n, max(ctid)::text AS last FROM gone`,
        [tenantId, firstKept, batchRows, after],
      );
      deleted += n;
      if (n === batchRows) after = last!;
      else if (after !== '(0,0)') after = '(0,0)';
      else break;
    }
  }
  return deleted;
}

/** Dead letters older than their tenant's retention (the global one when they have no tenant). */
async function expireDeadLetters(
  runner: QueryRunner,
  policy: RetentionPolicy,
  now: number,
  batchRows: number,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await runner.query(
      `DELETE FROM dead_letters WHERE id = ANY (ARRAY(
         SELECT d.id FROM dead_letters d LEFT JOIN tenants t ON t.id = d.tenant_id
          WHERE d.dead_at < $1::timestamptz - make_interval(days => coalesce(t.retention_days, $2))
          LIMIT $3))`,
      [new Date(now), policy.retentionDays, batchRows],
      true,
    );
    deleted += result.affected ?? 0;
    if ((result.affected ?? 0) < batchRows) return deleted;
  }
}
