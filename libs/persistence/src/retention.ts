import type { DataSource } from 'typeorm';

export interface RetentionPolicy {
  /** Events are kept at least this many days after their time (default 30). */
  retentionDays: number;
  /** Day partitions created this many days ahead (default 7). */
  aheadDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { retentionDays: 30, aheadDays: 7 };

export interface MaintenanceReport {
  created: string[];
  dropped: string[];
  /** Rows of labelled sessions kept from the dropped partitions (now in the default one). */
  keptLabelled: number;
  /** Expired rows deleted from the default partition. */
  expiredDefault: number;
}

const DAY_MS = 86_400_000;
const utcDay = (ms: number) =>
  new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

/**
 * The events table's maintenance (see migration PartitionEvents1764630000000): day partitions
 * from the start of the retention window to `aheadDays` ahead exist; partitions wholly older than
 * the window are dropped, except the rows of labelled sessions; the default partition's rows
 * older than the window (by their time and their arrival, so a freshly imported old trajectory
 * gets the whole period) are deleted, labelled sessions' again excepted. Verdicts, guidance,
 * labels, sessions and the rollups are not touched: they are kept for good. One maintenance runs
 * at a time (an advisory lock); a concurrent call returns an empty report.
 */
export async function maintainEventPartitions(
  db: DataSource,
  policy: RetentionPolicy = DEFAULT_RETENTION,
  now = Date.now(),
): Promise<MaintenanceReport> {
  const firstKept = utcDay(now - policy.retentionDays * DAY_MS);
  const lastAhead = utcDay(now + policy.aheadDays * DAY_MS);
  return db.transaction(async (tx) => {
    const report: MaintenanceReport = {
      created: [],
      dropped: [],
      keptLabelled: 0,
      expiredDefault: 0,
    };
    const [{ locked }] = await tx.query(
      `SELECT pg_try_advisory_xact_lock(hashtextextended('wink:event-partitions', 0)) AS locked`,
    );
    if (!locked) return report;
    const created: Array<{ day: string }> = await tx.query(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day FROM generate_series($1::date, $2::date, interval '1 day') d
        WHERE wink_ensure_event_partition(d::date)`,
      [firstKept, lastAhead],
    );
    report.created = created.map((r) => r.day);
    const expired: Array<{ name: string }> = await tx.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
          AND to_date(substr(c.relname, 8), 'YYYYMMDD') < $1::date
        ORDER BY c.relname`,
      [firstKept],
    );
    for (const { name } of expired) {
      const [{ kept }] = await tx.query(`SELECT wink_drop_event_partition($1) AS kept`, [name]);
      report.keptLabelled += Number(kept);
      report.dropped.push(name);
    }
    const deleted = await tx.queryRunner!.query(
      `WITH cutoff AS (SELECT $1::date::timestamp AT TIME ZONE 'UTC' AS at)
       DELETE FROM events_default e USING cutoff
        WHERE e.ts < cutoff.at AND e.received_at < cutoff.at
          AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.tenant_id = e.tenant_id AND l.session_id = e.session_id)`,
      [firstKept],
      true,
    );
    report.expiredDefault = deleted.affected ?? 0;
    return report;
  });
}
