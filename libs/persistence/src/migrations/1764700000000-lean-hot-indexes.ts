import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the two indexes on the hot tables that no query reads, each an extra index entry per
 * event or per session write (`npm run bench:storage-cost` measures what each costs per row):
 *
 * - `events (tenant_id, received_at)`: no hot query selects events by tenant and arrival time.
 *   The retention sweep of a tenant with a shorter retention than the longest filters on both,
 *   but it reads whole partitions in physical order (by row address), and only the day
 *   partitions that fell past the tenant's cutoff since its last pass
 *   (TenantRetentionTrimmed1764720001000), not an index range;
 * - `sessions (tenant_id, first_seen_at)`: it served the daily rates' recomputation per day, which
 *   the incremental rollups (IncrementalDailyRates1764633600000) replaced; sessions are read by
 *   key, by `last_seen_at` (recent sessions) and by `first_received_at` (experiments), and those
 *   indexes stay. Every session write moves `last_seen_at`, so each is a new index entry in all of
 *   the table's indexes.
 */
export class LeanHotIndexes1764700000000 implements MigrationInterface {
  name = 'LeanHotIndexes1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_tenant_received_idx`);
    await q.query(`DROP INDEX sessions_tenant_first_seen_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at)`);
    await q.query(
      `CREATE INDEX sessions_tenant_first_seen_idx ON sessions (tenant_id, first_seen_at)`,
    );
  }
}
