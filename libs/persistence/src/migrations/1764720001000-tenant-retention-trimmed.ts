import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far each tenant's events have been trimmed to its retention (see `maintainEventPartitions`):
 * `retention_trimmed_through` is the cutoff day of the tenant's last complete pass and
 * `retention_trimmed_days` the retention it used, so the next pass scans only the day partitions
 * that fell past the cutoff since (null: a full pass next time).
 */
export class TenantRetentionTrimmed1764720001000 implements MigrationInterface {
  name = 'TenantRetentionTrimmed1764720001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenants ADD COLUMN retention_trimmed_through date, ADD COLUMN retention_trimmed_days int`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE tenants DROP COLUMN retention_trimmed_through, DROP COLUMN retention_trimmed_days`,
    );
  }
}
