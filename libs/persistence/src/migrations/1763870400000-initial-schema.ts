import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763870400000 implements MigrationInterface {
  name = 'InitialSchema1763870400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE tenants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      key_hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz)`);
    await q.query(`CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id)`);
    await q.query(`CREATE TABLE sessions (
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      agent_name text NOT NULL,
      model text,
      env text,
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      last_seq int NOT NULL,
      event_count int NOT NULL,
      PRIMARY KEY (tenant_id, session_id))`);
    await q.query(
      `CREATE INDEX sessions_tenant_first_seen_idx ON sessions (tenant_id, first_seen_at)`,
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
    await q.query(`CREATE INDEX events_session_seq_idx ON events (tenant_id, session_id, seq)`);
    await q.query(`CREATE INDEX events_tenant_received_idx ON events (tenant_id, received_at)`);
    await q.query(`CREATE TABLE verdicts (
      verdict_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      category text NOT NULL,
      subtype text NOT NULL,
      signature text NOT NULL,
      confidence real NOT NULL,
      detector text NOT NULL,
      at_seq int NOT NULL,
      from_seq int NOT NULL,
      to_seq int NOT NULL,
      reason text NOT NULL,
      created_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX verdicts_session_idx ON verdicts (tenant_id, session_id, at_seq)`);
    await q.query(`CREATE INDEX verdicts_tenant_created_idx ON verdicts (tenant_id, created_at)`);
    await q.query(`CREATE TABLE guidance (
      intervention_id uuid PRIMARY KEY,
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      verdict_ids uuid[] NOT NULL,
      category text NOT NULL,
      subtype text NOT NULL,
      signature text NOT NULL,
      severity text NOT NULL,
      text text NOT NULL,
      cohort text NOT NULL,
      at_seq int NOT NULL,
      source_received_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz,
      acked_at timestamptz)`);
    await q.query(
      `CREATE INDEX guidance_pending_idx ON guidance (tenant_id, session_id, delivered_at)`,
    );
    await q.query(
      `CREATE INDEX guidance_cooldown_idx ON guidance (tenant_id, session_id, subtype, signature, created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['guidance', 'verdicts', 'events', 'sessions', 'api_keys', 'tenants']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
