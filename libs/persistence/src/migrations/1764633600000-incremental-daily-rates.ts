import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily rates maintained per session instead of per day: triggers mark the sessions whose
 * contribution to the rates may have changed (a new session; a new model, agent or first day; a
 * first verdict of a subtype), `session_rollups` keeps what each session is counted for now, and
 * a refresh applies the difference for the marked sessions only, so it costs what arrived since
 * the last one, not the size of the days they fall on. The rates are rebuilt from every session
 * by the first refreshes after this migration.
 */
export class IncrementalDailyRates1764633600000 implements MigrationInterface {
  name = 'IncrementalDailyRates1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE daily_rates_dirty_sessions (
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      PRIMARY KEY (tenant_id, session_id))`);
    await q.query(`CREATE TABLE session_rollups (
      tenant_id uuid NOT NULL,
      session_id text NOT NULL,
      day date NOT NULL,
      agent_name text NOT NULL,
      model text NOT NULL,
      categories text[] NOT NULL,
      subtypes text[] NOT NULL,
      PRIMARY KEY (tenant_id, session_id))`);

    await q.query(`CREATE FUNCTION wink_mark_sessions_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO daily_rates_dirty_sessions (tenant_id, session_id)
        SELECT DISTINCT tenant_id, session_id FROM changed ORDER BY 1, 2 ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION wink_mark_changed_sessions_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO daily_rates_dirty_sessions (tenant_id, session_id)
        SELECT n.tenant_id, n.session_id FROM changed n JOIN previous p USING (tenant_id, session_id)
         WHERE n.agent_name IS DISTINCT FROM p.agent_name OR n.model IS DISTINCT FROM p.model
            OR (n.first_seen_at AT TIME ZONE 'UTC')::date <> (p.first_seen_at AT TIME ZONE 'UTC')::date
         ORDER BY 1, 2 ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER sessions_new_mark_daily_rates AFTER INSERT ON sessions
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_sessions_dirty()`);
    await q.query(`CREATE TRIGGER sessions_changed_mark_daily_rates AFTER UPDATE ON sessions
      REFERENCING OLD TABLE AS previous NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_changed_sessions_dirty()`);
    await q.query(`CREATE TRIGGER misbehaviours_new_mark_daily_rates AFTER INSERT ON session_misbehaviours
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_sessions_dirty()`);

    await q.query(`DROP TABLE daily_rates_dirty`);
    await q.query(`TRUNCATE daily_rates`);
    await q.query(
      `INSERT INTO daily_rates_dirty_sessions SELECT tenant_id, session_id FROM sessions`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER misbehaviours_new_mark_daily_rates ON session_misbehaviours`);
    await q.query(`DROP TRIGGER sessions_changed_mark_daily_rates ON sessions`);
    await q.query(`DROP TRIGGER sessions_new_mark_daily_rates ON sessions`);
    await q.query(`DROP FUNCTION wink_mark_changed_sessions_dirty()`);
    await q.query(`DROP FUNCTION wink_mark_sessions_dirty()`);
    await q.query(`DROP TABLE session_rollups`);
    await q.query(`DROP TABLE daily_rates_dirty_sessions`);
    await q.query(`CREATE TABLE daily_rates_dirty (
      tenant_id uuid NOT NULL,
      day date NOT NULL,
      PRIMARY KEY (tenant_id, day))`);
    await q.query(`TRUNCATE daily_rates`);
    await q.query(`INSERT INTO daily_rates_dirty
      SELECT DISTINCT tenant_id, (first_seen_at AT TIME ZONE 'UTC')::date FROM sessions`);
  }
}
