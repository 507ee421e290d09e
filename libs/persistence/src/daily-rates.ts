import type { DataSource } from 'typeorm';

/**
 * SQL (a CTE body) marking the UTC days of the given sessions' first steps as needing their
 * daily rates recomputed; `sessions` names a relation with `tenant_id` and `first_seen_at`.
 */
export const markDailyRatesDirtySql = (sessions: string) =>
  `INSERT INTO daily_rates_dirty (tenant_id, day)
   SELECT DISTINCT tenant_id, (first_seen_at AT TIME ZONE 'UTC')::date FROM ${sessions}
   ON CONFLICT DO NOTHING`;

/**
 * Recomputes the daily rates of up to `maxBuckets` dirty (tenant, day) buckets from `sessions`
 * and `session_misbehaviours`, and returns how many it did. A recomputation replaces the
 * bucket's rows whole, so it is right whatever order events and verdicts arrived in; buckets are
 * claimed with SKIP LOCKED, so several recorders share the work, and a bucket written during a
 * recomputation is marked again and recomputed on the next call.
 */
export async function refreshDailyRates(db: DataSource, maxBuckets = 200): Promise<number> {
  return db.transaction(async (tx) => {
    // A structured result: `query` alone gives [rows, count] for a DELETE … RETURNING.
    const claimedRows = await tx.queryRunner!.query(
      `DELETE FROM daily_rates_dirty d USING (
         SELECT tenant_id, day FROM daily_rates_dirty ORDER BY day LIMIT $1 FOR UPDATE SKIP LOCKED) c
        WHERE d.tenant_id = c.tenant_id AND d.day = c.day
       RETURNING d.tenant_id, to_char(d.day, 'YYYY-MM-DD') AS day`,
      [maxBuckets],
      true,
    );
    const buckets = claimedRows.records as Array<{ tenant_id: string; day: string }>;
    if (buckets.length === 0) return 0;
    const params = [buckets.map((b) => b.tenant_id), buckets.map((b) => b.day)];
    const claimed = `SELECT * FROM unnest($1::uuid[], $2::date[]) AS b(tenant_id, day)`;
    await tx.query(
      `DELETE FROM daily_rates r USING (${claimed}) b WHERE r.tenant_id = b.tenant_id AND r.day = b.day`,
      params,
    );
    await tx.query(
      `WITH scoped AS (
         SELECT s.tenant_id, b.day, s.agent_name, coalesce(s.model, '') AS model, s.session_id
           FROM (${claimed}) b
           JOIN sessions s ON s.tenant_id = b.tenant_id
                          AND s.first_seen_at >= b.day::timestamp AT TIME ZONE 'UTC'
                          AND s.first_seen_at < (b.day + 1)::timestamp AT TIME ZONE 'UTC'
       ), shown AS (
         SELECT sc.*, m.category, m.subtype FROM scoped sc
           JOIN session_misbehaviours m ON m.tenant_id = sc.tenant_id AND m.session_id = sc.session_id
       )
       INSERT INTO daily_rates (tenant_id, day, agent_name, model, dimension, key, sessions, flagged)
       SELECT tenant_id, day, agent_name, model, 'all', '', count(*),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m
                                 WHERE m.tenant_id = scoped.tenant_id AND m.session_id = scoped.session_id))
         FROM scoped GROUP BY tenant_id, day, agent_name, model
       UNION ALL
       SELECT tenant_id, day, agent_name, model, 'category', category, 0, count(DISTINCT session_id)
         FROM shown GROUP BY tenant_id, day, agent_name, model, category
       UNION ALL
       SELECT tenant_id, day, agent_name, model, 'subtype', subtype, 0, count(*)
         FROM shown GROUP BY tenant_id, day, agent_name, model, subtype`,
      params,
    );
    return buckets.length;
  });
}
