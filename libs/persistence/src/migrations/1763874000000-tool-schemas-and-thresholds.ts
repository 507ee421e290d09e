import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ToolSchemasAndThresholds1763874000000 implements MigrationInterface {
  name = 'ToolSchemasAndThresholds1763874000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tool_schemas (
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      agent_name text NOT NULL,
      tool_name text NOT NULL,
      parameters jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, agent_name, tool_name))`);
    await q.query(
      `ALTER TABLE tenants ADD COLUMN detector_thresholds jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants DROP COLUMN detector_thresholds`);
    await q.query(`DROP TABLE tool_schemas`);
  }
}
