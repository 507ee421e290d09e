import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `events` becomes a table range-partitioned by the event's time (`ts`), one partition per UTC
 * day, plus a default partition for rows no day partition covers (history older than the
 * retention window, clocks far ahead). The idempotency key stays unique: it gains `ts`, which a
 * re-sent event carries unchanged, so `ON CONFLICT DO NOTHING` still drops duplicates. Two
 * functions do the partition work for the maintenance job:
 *
 * - `wink_ensure_event_partition(day)` creates a day's partition, moving any rows of that day out
 *   of the default partition first (attaching would fail otherwise);
 * - `wink_drop_event_partition(name)` detaches a day's partition, keeps the rows of labelled
 *   sessions (re-inserted, they land in the default partition, which now covers that day) and
 *   drops the rest with the table: no row-by-row delete.
 *
 * Existing rows are kept: the table is rebuilt with partitions for the last 30 days and the next
 * 7 and the rows copied over.
 */
export class PartitionEvents1764630000000 implements MigrationInterface {
  name = 'PartitionEvents1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_unpartitioned`);
    await q.query(
      `ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pkey TO events_unpartitioned_pkey`,
    );
    await q.query(`DROP INDEX events_session_seq_idx`);
    await q.query(`DROP INDEX events_tenant_received_idx`);
    await q.query(`CREATE TABLE events (
      tenant_id uuid NOT NULL,
      event_id text NOT NULL,
      session_id text NOT NULL,
      seq int NOT NULL,
      kind text NOT NULL,
      ts timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      PRIMARY KEY (tenant_id, event_id, ts)) PARTITION BY RANGE (ts)`);
    await q.query(`CREATE INDEX events_session_seq_idx ON events (tenant_id, session_id, seq)`);
    await q.query(`CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at)`);
    await q.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);

    await q.query(`CREATE FUNCTION wink_ensure_event_partition(day date) RETURNS boolean
      LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'events_' || to_char(day, 'YYYYMMDD');
        lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
        hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
      BEGIN
        IF to_regclass(part) IS NOT NULL THEN RETURN false; END IF;
        EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS, CHECK (ts >= %L AND ts < %L))',
                       part, lo, hi);
        EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE ts >= $1 AND ts < $2 RETURNING *)
                        INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
        EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
        RETURN true;
      END $$`);
    await q.query(`CREATE FUNCTION wink_drop_event_partition(part text) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE kept bigint;
      BEGIN
        EXECUTE format('ALTER TABLE events DETACH PARTITION %I', part);
        EXECUTE format('INSERT INTO events SELECT e.* FROM %I e WHERE EXISTS (
                          SELECT 1 FROM labels l WHERE l.tenant_id = e.tenant_id AND l.session_id = e.session_id)',
                       part);
        GET DIAGNOSTICS kept = ROW_COUNT;
        EXECUTE format('DROP TABLE %I', part);
        RETURN kept;
      END $$`);

    await q.query(`SELECT wink_ensure_event_partition(d::date)
      FROM generate_series(current_date - 30, current_date + 7, interval '1 day') d`);
    await q.query(`INSERT INTO events SELECT * FROM events_unpartitioned`);
    await q.query(`DROP TABLE events_unpartitioned`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_partitioned`);
    await q.query(
      `ALTER TABLE events_partitioned RENAME CONSTRAINT events_pkey TO events_partitioned_pkey`,
    );
    await q.query(
      `ALTER INDEX events_session_seq_idx RENAME TO events_partitioned_session_seq_idx`,
    );
    await q.query(
      `ALTER INDEX events_tenant_received_idx RENAME TO events_partitioned_received_idx`,
    );
    await q.query(`CREATE TABLE events (
      tenant_id uuid NOT NULL,
      event_id text NOT NULL,
      session_id text NOT NULL,
      seq int NOT NULL,
      kind text NOT NULL,
      ts timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      PRIMARY KEY (tenant_id, event_id))`);
    await q.query(`INSERT INTO events SELECT DISTINCT ON (tenant_id, event_id) * FROM events_partitioned
      ORDER BY tenant_id, event_id, received_at`);
    await q.query(`CREATE INDEX events_session_seq_idx ON events (tenant_id, session_id, seq)`);
    await q.query(`CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at)`);
    await q.query(`DROP TABLE events_partitioned`);
    await q.query(`DROP FUNCTION wink_drop_event_partition(text)`);
    await q.query(`DROP FUNCTION wink_ensure_event_partition(date)`);
  }
}
