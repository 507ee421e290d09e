import type { MigrationInterface, QueryRunner } from 'typeorm';
import { COHORT_POINT_SQL } from '../cohorts.js';

/**
 * Rollups the recorder keeps up to date so analytics never scan `events`: per-session counts for
 * A/B metrics, one row per (session, subtype) seen, and misbehaviour rates per UTC day, agent and
 * model. Labels and A/B experiments.
 */
export class AnalyticsLabelsExperiments1763888400000 implements MigrationInterface {
  name = 'AnalyticsLabelsExperiments1763888400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions
      ADD COLUMN first_received_at timestamptz,
      ADD COLUMN tool_calls int NOT NULL DEFAULT 0,
      ADD COLUMN tool_failures int NOT NULL DEFAULT 0,
      ADD COLUMN tokens bigint NOT NULL DEFAULT 0,
      ADD COLUMN human_interventions int NOT NULL DEFAULT 0,
      ADD COLUMN cohort_point double precision NOT NULL DEFAULT 0`);
    await q.query(`UPDATE sessions SET cohort_point = ${COHORT_POINT_SQL('session_id')}`);
    await q.query(`UPDATE sessions s SET
        first_received_at = e.first_received_at, tool_calls = e.tool_calls,
        tool_failures = e.tool_failures, tokens = e.tokens, human_interventions = e.human_interventions
      FROM (SELECT tenant_id, session_id, min(received_at) AS first_received_at,
                   count(*) FILTER (WHERE kind = 'tool_call')::int AS tool_calls,
                   count(*) FILTER (WHERE kind = 'tool_result' AND payload->'result'->>'ok' = 'false')::int AS tool_failures,
                   coalesce(sum((payload->'usage'->>'inputTokens')::bigint + (payload->'usage'->>'outputTokens')::bigint)
                            FILTER (WHERE kind = 'usage'), 0) AS tokens,
                   count(*) FILTER (WHERE kind = 'human_intervention')::int AS human_interventions
              FROM events GROUP BY tenant_id, session_id) e
      WHERE s.tenant_id = e.tenant_id AND s.session_id = e.session_id`);
    await q.query(
      `UPDATE sessions SET first_received_at = first_seen_at WHERE first_received_at IS NULL`,
    );
    await q.query(`ALTER TABLE sessions ALTER COLUMN first_received_at SET NOT NULL`);
    await q.query(
      `CREATE INDEX sessions_tenant_received_idx ON sessions (tenant_id, first_received_at)`,
    );
    await q.query(
      `CREATE INDEX sessions_tenant_last_seen_idx ON sessions (tenant_id, last_seen_at DESC)`,
    );

    await q.query(`CREATE TABLE session_misbehaviours (
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      subtype text NOT NULL,
      category text NOT NULL,
      verdicts int NOT NULL,
      first_at_seq int NOT NULL,
      first_at timestamptz NOT NULL,
      PRIMARY KEY (tenant_id, session_id, subtype))`);
    await q.query(`INSERT INTO session_misbehaviours
      SELECT tenant_id, session_id, subtype, min(category), count(*)::int, min(at_seq), min(created_at)
        FROM verdicts GROUP BY tenant_id, session_id, subtype`);
    await q.query(`CREATE INDEX guidance_tenant_created_idx ON guidance (tenant_id, created_at)`);
    // Whether the guidance was the first answer to its misbehaviour (not a recurrence's).
    await q.query(`ALTER TABLE guidance ADD COLUMN first boolean NOT NULL DEFAULT true`);
    await q.query(`UPDATE guidance g SET first = false FROM guidance earlier
      WHERE earlier.tenant_id = g.tenant_id AND earlier.session_id = g.session_id
        AND earlier.subtype = g.subtype AND earlier.signature = g.signature
        AND earlier.created_at < g.created_at`);

    // Per (tenant, UTC day of the session's first step, agent, model): sessions and sessions
    // with a verdict ('all'), and sessions showing each category and subtype.
    await q.query(`CREATE TABLE daily_rates (
      tenant_id uuid NOT NULL,
      day date NOT NULL,
      agent_name text NOT NULL,
      model text NOT NULL,
      dimension text NOT NULL,
      key text NOT NULL,
      sessions int NOT NULL,
      flagged int NOT NULL,
      PRIMARY KEY (tenant_id, day, agent_name, model, dimension, key))`);
    // (tenant, day) buckets written since their rates were last computed.
    await q.query(`CREATE TABLE daily_rates_dirty (
      tenant_id uuid NOT NULL,
      day date NOT NULL,
      PRIMARY KEY (tenant_id, day))`);
    await q.query(`INSERT INTO daily_rates_dirty
      SELECT DISTINCT tenant_id, (first_seen_at AT TIME ZONE 'UTC')::date FROM sessions`);

    await q.query(`CREATE TABLE labels (
      label_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      session_id text NOT NULL,
      verdict_id uuid,
      judgement text NOT NULL,
      category text,
      subtype text,
      step int,
      note text,
      labelled_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX labels_session_idx ON labels (tenant_id, session_id)`);
    // One judgement of a verdict per person: labelling it again replaces the earlier one.
    await q.query(
      `CREATE UNIQUE INDEX labels_verdict_person_idx ON labels (tenant_id, verdict_id, labelled_by) WHERE verdict_id IS NOT NULL`,
    );

    await q.query(`CREATE TABLE experiments (
      experiment_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
      name text NOT NULL,
      treatment_share double precision NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      stopped_at timestamptz)`);
    await q.query(
      `CREATE UNIQUE INDEX experiments_one_running_idx ON experiments (tenant_id) WHERE stopped_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE experiments`);
    await q.query(`DROP TABLE labels`);
    await q.query(`DROP TABLE daily_rates_dirty`);
    await q.query(`DROP TABLE daily_rates`);
    await q.query(`ALTER TABLE guidance DROP COLUMN first`);
    await q.query(`DROP INDEX guidance_tenant_created_idx`);
    await q.query(`DROP TABLE session_misbehaviours`);
    await q.query(`DROP INDEX sessions_tenant_last_seen_idx`);
    await q.query(`DROP INDEX sessions_tenant_received_idx`);
    await q.query(`ALTER TABLE sessions
      DROP COLUMN first_received_at, DROP COLUMN tool_calls, DROP COLUMN tool_failures,
      DROP COLUMN tokens, DROP COLUMN human_interventions, DROP COLUMN cohort_point`);
  }
}
