import type { MigrationInterface, QueryRunner } from 'typeorm';

const CHANGED_FOR_THE_RATES = `OLD.agent_name IS DISTINCT FROM NEW.agent_name OR OLD.model IS DISTINCT FROM NEW.model
  OR (OLD.first_seen_at AT TIME ZONE 'UTC')::date <> (NEW.first_seen_at AT TIME ZONE 'UTC')::date`;

/**
 * The sessions whose update changes what the daily rates count them for (agent, model, day of the
 * first step) are marked by a row trigger whose `WHEN` picks them, instead of a statement trigger
 * joining the update's old and new transition tables. PL/pgSQL planned that join once per
 * connection, at its first call, when the tables were nearly empty, and kept the nested loop:
 * every batch of n session updates then cost n² comparisons (about 40 CPU µs per event at
 * batches of 500, `npm run bench:storage-cost`). The `WHEN` is evaluated per updated row without
 * calling any function, and the rare rows it picks mark their session as before: the same
 * sessions are marked.
 */
export class SessionChangesMarkedPerRow1764700001000 implements MigrationInterface {
  name = 'SessionChangesMarkedPerRow1764700001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER sessions_changed_mark_daily_rates ON sessions`);
    await q.query(`DROP FUNCTION wink_mark_changed_sessions_dirty()`);
    await q.query(`CREATE FUNCTION wink_mark_session_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO daily_rates_dirty_sessions (tenant_id, session_id)
        VALUES (NEW.tenant_id, NEW.session_id) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER sessions_changed_mark_daily_rates AFTER UPDATE ON sessions
      FOR EACH ROW WHEN (${CHANGED_FOR_THE_RATES}) EXECUTE FUNCTION wink_mark_session_dirty()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER sessions_changed_mark_daily_rates ON sessions`);
    await q.query(`DROP FUNCTION wink_mark_session_dirty()`);
    await q.query(`CREATE FUNCTION wink_mark_changed_sessions_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO daily_rates_dirty_sessions (tenant_id, session_id)
        SELECT n.tenant_id, n.session_id FROM changed n JOIN previous p USING (tenant_id, session_id)
         WHERE n.agent_name IS DISTINCT FROM p.agent_name OR n.model IS DISTINCT FROM p.model
            OR (n.first_seen_at AT TIME ZONE 'UTC')::date <> (p.first_seen_at AT TIME ZONE 'UTC')::date
         ORDER BY 1, 2 ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER sessions_changed_mark_daily_rates AFTER UPDATE ON sessions
      REFERENCING OLD TABLE AS previous NEW TABLE AS changed
      FOR EACH STATEMENT EXECUTE FUNCTION wink_mark_changed_sessions_dirty()`);
  }
}
