import type { DataSource } from 'typeorm';

/**
 * The advisory-lock key of one session, `t` and `s` SQL expressions of its tenant id (text) and
 * session id: the recorder writes a session's events and verdicts holding it, and the daily-rates
 * refresh takes it (without waiting) so it never reads a session half-written.
 */
export const sessionLockKeySql = (t: string, s: string) =>
  `hashtextextended(${t} || ':' || ${s}, 0)`;

/**
 * Brings the daily rates up to date for up to `maxSessions` of the sessions the triggers marked
 * (see migration IncrementalDailyRates1764633600000), and returns how many it did (0 when none could be taken). For each, what
 * it counts for now (day of its first step, agent, model, categories and subtypes shown) is
 * compared with what it was counted for (`session_rollups`) and only the difference is added to
 * `daily_rates`: a refresh costs the sessions that changed, whatever the size of their days. The
 * result equals a recomputation from scratch in any order of arrival. Sessions being written
 * (their lock is held) are left for the next call; several recorders share the work.
 */
export async function refreshDailyRates(db: DataSource, maxSessions = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const candidates: Array<{ tenant_id: string; session_id: string }> = await tx.query(
      `SELECT tenant_id::text, session_id FROM daily_rates_dirty_sessions
        ORDER BY tenant_id, session_id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [maxSessions],
    );
    if (candidates.length === 0) return 0;
    const locked: Array<{ tenant_id: string; session_id: string }> = await tx.query(
      `SELECT t AS tenant_id, s AS session_id FROM unnest($1::text[], $2::text[]) AS c(t, s)
        WHERE pg_try_advisory_xact_lock(${sessionLockKeySql('t', 's')})`,
      [candidates.map((c) => c.tenant_id), candidates.map((c) => c.session_id)],
    );
    if (locked.length === 0) return 0;
    const params = [locked.map((c) => c.tenant_id), locked.map((c) => c.session_id)];
    await tx.query(
      `DELETE FROM daily_rates_dirty_sessions d USING unnest($1::uuid[], $2::text[]) AS l(tenant_id, session_id)
        WHERE d.tenant_id = l.tenant_id AND d.session_id = l.session_id`,
      params,
    );
    const emptied: Array<Record<string, unknown>> = await tx.query(
      `WITH locked AS (
         SELECT * FROM unnest($1::uuid[], $2::text[]) AS l(tenant_id, session_id)
       ), now_counted AS (
         SELECT s.tenant_id, s.session_id, (s.first_seen_at AT TIME ZONE 'UTC')::date AS day,
                s.agent_name, coalesce(s.model, '') AS model,
                coalesce(array_agg(DISTINCT m.category) FILTER (WHERE m.category IS NOT NULL), '{}') AS categories,
                coalesce(array_agg(m.subtype) FILTER (WHERE m.subtype IS NOT NULL), '{}') AS subtypes
           FROM locked l JOIN sessions s USING (tenant_id, session_id)
           LEFT JOIN session_misbehaviours m ON m.tenant_id = s.tenant_id AND m.session_id = s.session_id
          GROUP BY s.tenant_id, s.session_id
       ), counted AS (
         SELECT 1 AS sign, n.* FROM now_counted n
         UNION ALL
         SELECT -1, r.tenant_id, r.session_id, r.day, r.agent_name, r.model, r.categories, r.subtypes
           FROM locked l JOIN session_rollups r USING (tenant_id, session_id)
       ), deltas AS (
         SELECT tenant_id, day, agent_name, model, dimension, key,
                sum(sessions)::int AS sessions, sum(flagged)::int AS flagged
           FROM (SELECT tenant_id, day, agent_name, model, 'all' AS dimension, '' AS key, sign AS sessions,
                        CASE WHEN cardinality(subtypes) > 0 THEN sign ELSE 0 END AS flagged FROM counted
                 UNION ALL
                 SELECT tenant_id, day, agent_name, model, 'category', c, 0, sign FROM counted, unnest(categories) c
                 UNION ALL
                 SELECT tenant_id, day, agent_name, model, 'subtype', st, 0, sign FROM counted, unnest(subtypes) st) x
          GROUP BY tenant_id, day, agent_name, model, dimension, key
         HAVING sum(sessions) <> 0 OR sum(flagged) <> 0
       ), applied AS (
         INSERT INTO daily_rates AS r (tenant_id, day, agent_name, model, dimension, key, sessions, flagged)
         SELECT * FROM deltas ORDER BY tenant_id, day, agent_name, model, dimension, key
         ON CONFLICT (tenant_id, day, agent_name, model, dimension, key) DO UPDATE
           SET sessions = r.sessions + EXCLUDED.sessions, flagged = r.flagged + EXCLUDED.flagged
         RETURNING r.tenant_id, r.day, r.agent_name, r.model, r.dimension, r.key, r.sessions, r.flagged
       ), saved AS (
         INSERT INTO session_rollups AS r (tenant_id, session_id, day, agent_name, model, categories, subtypes)
         SELECT * FROM now_counted
         ON CONFLICT (tenant_id, session_id) DO UPDATE
           SET day = EXCLUDED.day, agent_name = EXCLUDED.agent_name, model = EXCLUDED.model,
               categories = EXCLUDED.categories, subtypes = EXCLUDED.subtypes
       )
       SELECT tenant_id, day::text AS day, agent_name, model, dimension, key FROM applied
        WHERE sessions = 0 AND flagged = 0`,
      params,
    );
    // A bucket no session counts for any more disappears, as it would from a recomputation.
    if (emptied.length > 0) {
      const columns = ['tenant_id', 'day', 'agent_name', 'model', 'dimension', 'key'];
      await tx.query(
        `DELETE FROM daily_rates r
          USING unnest($1::uuid[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[])
                AS e(tenant_id, day, agent_name, model, dimension, key)
          WHERE (r.tenant_id, r.day, r.agent_name, r.model, r.dimension, r.key)
              = (e.tenant_id, e.day, e.agent_name, e.model, e.dimension, e.key)
            AND r.sessions = 0 AND r.flagged = 0`,
        columns.map((c) => emptied.map((row) => row[c])),
      );
    }
    return locked.length;
  });
}
