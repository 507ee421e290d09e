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
  /** Partition scans for those tenants (each tenant: the default partition and the days trimmed). */
  scannedShorter: number;
  /** Tenants given a full pass (never trimmed, retention changed or shortened). */
  fullPasses: number;
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
  // The next maintenance trims the whole history again for the new retention.
  await db.query(
    `UPDATE tenants SET retention_days = $2, retention_trimmed_through = NULL WHERE id = $1`,
    [tenantId, days],
  );
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
 *   in batches of `batchRows`, each committed on its own, partition by partition; only the day
 *   partitions that fell past its cutoff since its last pass are scanned (with the default one
 *   and those holding trajectories imported since), a full pass only when it has no mark yet, its
 *   retention was set (`setRetentionDays`) or it shortened;
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
    scannedShorter: 0,
    fullPasses: 0,
    expiredDeadLetters: 0,
  };
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(${LOCK_SQL}) AS locked`);
    if (!locked) return report;
    try {
      const [{ longest }]: Array<{ longest: number }> = await runner.query(
        `SELECT greatest($1::int, max(retention_days))::int AS longest FROM tenants`,
        [policy.retentionDays],
      );
      report.longestDays = longest;
      await maintainPartitions(
        runner,
        report,
        utcDay(now - report.longestDays * DAY_MS),
        utcDay(now + policy.aheadDays * DAY_MS),
      );
      const shorter: TrimmedTenant[] = await runner.query(
        `SELECT id::text, coalesce(retention_days, $1)::int AS days, retention_days AS "setDays",
                to_char(retention_trimmed_through, 'YYYY-MM-DD') AS "trimmedThrough",
                retention_trimmed_days AS "trimmedDays"
           FROM tenants WHERE coalesce(retention_days, $1) < $2 ORDER BY id`,
        [policy.retentionDays, longest],
      );
      for (const tenant of shorter)
        await expireTenant(runner, report, tenant, utcDay(now - tenant.days * DAY_MS), batchRows);
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

interface TrimmedTenant {
  id: string;
  days: number;
  /** Its own retention (null: the global one). */
  setDays: number | null;
  /** The cutoff of the tenant's last complete pass (null: none yet, or its retention was set since). */
  trimmedThrough: string | null;
  trimmedDays: number | null;
}

/**
 * Day partitions before a tenant's trimmed mark are rescanned this many days back: an event
 * timestamped before midnight and received after it is kept by the pass of that day (it arrived
 * within the retention) and only expires once the cutoff passes its arrival.
 */
const LATE_ARRIVAL_DAYS = 2;

/**
 * The day partitions before `firstKept` that may hold this tenant's expired rows: all of them
 * without a mark (or when its retention shortened since); otherwise those that fell past the
 * cutoff since the mark (`LATE_ARRIVAL_DAYS` back), and those holding sessions first received
 * since then whose steps are older (an imported trajectory: its rows sit in old partitions, kept
 * for their arrival until now).
 */
async function partitionsToTrim(
  runner: QueryRunner,
  tenant: TrimmedTenant,
  firstKept: string,
): Promise<{ full: boolean; parts: string[] }> {
  const full =
    tenant.trimmedThrough === null ||
    tenant.trimmedDays === null ||
    tenant.days < tenant.trimmedDays;
  if (full) return { full, parts: await dayPartitionsBefore(runner, firstKept) };
  const rows: Array<{ name: string }> = await runner.query(
    `WITH since AS (SELECT ($3::date - $4::int)::timestamp AT TIME ZONE 'UTC' AS at),
     imported AS MATERIALIZED (
       SELECT DISTINCT d::date AS day
         FROM since, sessions s,
              generate_series((s.first_seen_at AT TIME ZONE 'UTC')::date,
                              (s.last_seen_at AT TIME ZONE 'UTC')::date, interval '1 day') d
        WHERE s.tenant_id = $1 AND s.first_received_at >= since.at
          AND s.first_received_at < $2::date::timestamp AT TIME ZONE 'UTC'
          AND s.first_seen_at < since.at)
     SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
        AND to_date(substr(c.relname, 8), 'YYYYMMDD') < $2::date
        AND (to_date(substr(c.relname, 8), 'YYYYMMDD') >= $3::date - $4::int
             OR to_date(substr(c.relname, 8), 'YYYYMMDD') IN (SELECT day FROM imported))
      ORDER BY c.relname`,
    [tenant.id, firstKept, tenant.trimmedThrough, LATE_ARRIVAL_DAYS],
  );
  return { full, parts: rows.map((r) => r.name) };
}

/**
 * Deletes one tenant's events older than `firstKept` (by time and arrival; labelled sessions
 * kept) from the default partition and the day partitions `partitionsToTrim` names, `batchRows`
 * at a time by row address within one partition, so each statement is short and no transaction
 * holds many locks, then marks the tenant trimmed through `firstKept`. Each batch starts past
 * the last address deleted, so a scan in physical order never re-reads the rows it already
 * deleted (they stay until vacuum); a last sweep from the start catches rows a scan in another
 * order (by an index) passed over.
 */
async function expireTenant(
  runner: QueryRunner,
  report: MaintenanceReport,
  tenant: TrimmedTenant,
  firstKept: string,
  batchRows: number,
): Promise<void> {
  const tenantId = tenant.id;
  const { full, parts } = await partitionsToTrim(runner, tenant, firstKept);
  if (full) report.fullPasses++;
  let deleted = 0;
  for (const part of [...parts, 'events_default']) {
    report.scannedShorter++;
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
  report.expiredShorter += deleted;
  // Only what this pass read: a retention set meanwhile (which cleared the mark) keeps it cleared.
  await runner.query(
    `UPDATE tenants SET retention_trimmed_through = $2::date, retention_trimmed_days = $3
      WHERE id = $1 AND retention_days IS NOT DISTINCT FROM $4::int
        AND retention_trimmed_through IS NOT DISTINCT FROM $5::date`,
    [tenantId, firstKept, tenant.days, tenant.setDays, tenant.trimmedThrough],
  );
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
