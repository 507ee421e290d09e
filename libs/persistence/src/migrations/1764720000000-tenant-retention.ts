import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's own event retention (`PUT /v1/settings/retention`); null keeps the global one. The
 * bounds are the API's (RETENTION_DAYS_MIN..MAX in libs/contracts).
 */
export class TenantRetention1764720000000 implements MigrationInterface {
  name = 'TenantRetention1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN retention_days int
      CONSTRAINT tenants_retention_days_bounds CHECK (retention_days BETWEEN 1 AND 365)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN retention_days`);
  }
}
