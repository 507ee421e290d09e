import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DeliveryOutcomesPolicy1763877600000 implements MigrationInterface {
  name = 'DeliveryOutcomesPolicy1763877600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenants ADD COLUMN policy jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`ALTER TABLE guidance
      ADD COLUMN outcome text NOT NULL DEFAULT 'open',
      ADD COLUMN outcome_at timestamptz,
      ADD COLUMN delivered_seq int`);
    await q.query(`CREATE INDEX guidance_open_idx ON guidance (outcome) WHERE outcome = 'open'`);
    await q.query(`CREATE TABLE deliveries (
      intervention_id uuid NOT NULL REFERENCES guidance(intervention_id) ON DELETE CASCADE,
      channel text NOT NULL,
      tenant_id uuid NOT NULL,
      status text NOT NULL,
      attempts int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      delivered_at timestamptz,
      next_attempt_at timestamptz,
      last_error text,
      PRIMARY KEY (intervention_id, channel))`);
    await q.query(
      `CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await q.query(`CREATE TABLE webhooks (
      tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
      url text NOT NULL,
      secret text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhooks`);
    await q.query(`DROP TABLE deliveries`);
    await q.query(`DROP INDEX guidance_open_idx`);
    await q.query(
      `ALTER TABLE guidance DROP COLUMN outcome, DROP COLUMN outcome_at, DROP COLUMN delivered_seq`,
    );
    await q.query(`ALTER TABLE tenants DROP COLUMN policy`);
  }
}
