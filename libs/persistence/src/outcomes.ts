import type { DataSource } from 'typeorm';

export interface SubtypeOutcomes {
  subtype: string;
  interventions: number;
  resolved: number;
  recurred: number;
  open: number;
  /** Of misbehaviours whose first guidance has an outcome, the share that one guidance resolved. */
  singleInterventionResolutionRate: number | null;
}

/**
 * The tenant's interventions by outcome, per subtype, with the paper's headline metric; only
 * guidance created in [from, to) when a range is given.
 */
export async function outcomesBySubtype(
  db: DataSource,
  tenantId: string,
  range?: { from: Date; to: Date },
): Promise<SubtypeOutcomes[]> {
  const rows: Array<Record<string, string | number | null>> = await db.query(
    `SELECT subtype, count(*)::int AS interventions,
            count(*) FILTER (WHERE outcome = 'resolved')::int AS resolved,
            count(*) FILTER (WHERE outcome = 'recurred')::int AS recurred,
            count(*) FILTER (WHERE outcome = 'open')::int AS open,
            (count(*) FILTER (WHERE first AND outcome = 'resolved'))::float
              / nullif(count(*) FILTER (WHERE first AND outcome IN ('resolved', 'recurred')), 0) AS rate
       FROM guidance
      WHERE tenant_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)
        AND ($3::timestamptz IS NULL OR created_at < $3)
      GROUP BY subtype ORDER BY subtype`,
    [tenantId, range?.from ?? null, range?.to ?? null],
  );
  return rows.map((r) => ({
    subtype: String(r.subtype),
    interventions: Number(r.interventions),
    resolved: Number(r.resolved),
    recurred: Number(r.recurred),
    open: Number(r.open),
    singleInterventionResolutionRate: r.rate === null ? null : Number(r.rate),
  }));
}
