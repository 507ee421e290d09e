import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outcome sweep (every 2 s on every intervention instance) reads open guidance that a host
 * has been handed. Its index held every open row, and guidance no host ever claims (a fleet on
 * the topic channel alone, or hosts gone) stays open for good: the sweep's read grew with all the
 * guidance ever given (4–6 ms at 6,125 such rows). Indexed on `delivered_at` being set as well,
 * it reads only what it may resolve, and guidance is indexed there only once delivered.
 */
export class OpenDeliveredGuidanceIndex1764730000000 implements MigrationInterface {
  name = 'OpenDeliveredGuidanceIndex1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX guidance_open_delivered_idx ON guidance (tenant_id)
        WHERE outcome = 'open' AND delivered_at IS NOT NULL`,
    );
    await q.query(`DROP INDEX guidance_open_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX guidance_open_idx ON guidance (outcome) WHERE outcome = 'open'`);
    await q.query(`DROP INDEX guidance_open_delivered_idx`);
  }
}
