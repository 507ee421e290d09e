import type { MigrationInterface, QueryRunner } from 'typeorm';

export class JudgeUsage1763881200000 implements MigrationInterface {
  name = 'JudgeUsage1763881200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE judge_usage (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      day date NOT NULL,
      tokens bigint NOT NULL DEFAULT 0,
      calls int NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, day))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE judge_usage`);
  }
}
