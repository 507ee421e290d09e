import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyGuard, TenantId } from '@wink/platform';

export interface SubtypeOutcomes {
  subtype: string;
  interventions: number;
  resolved: number;
  recurred: number;
  open: number;
  /** Of misbehaviours whose first guidance has an outcome, the share that one guidance resolved. */
  singleInterventionResolutionRate: number | null;
}

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class OutcomesController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The tenant's interventions by outcome, per subtype, with the paper's headline metric. */
  @Get('outcomes')
  async outcomes(@TenantId() tenantId: string): Promise<{ bySubtype: SubtypeOutcomes[] }> {
    const rows: Array<Record<string, string | number | null>> = await this.db.query(
      `WITH first_guidance AS (
         SELECT DISTINCT ON (session_id, subtype, signature) subtype, outcome
           FROM guidance WHERE tenant_id = $1
          ORDER BY session_id, subtype, signature, created_at
       ), single AS (
         SELECT subtype,
                count(*) FILTER (WHERE outcome = 'resolved')::int AS resolved,
                count(*) FILTER (WHERE outcome IN ('resolved', 'recurred'))::int AS decided
           FROM first_guidance GROUP BY subtype
       )
       SELECT g.subtype, count(*)::int AS interventions,
              count(*) FILTER (WHERE outcome = 'resolved')::int AS resolved,
              count(*) FILTER (WHERE outcome = 'recurred')::int AS recurred,
              count(*) FILTER (WHERE outcome = 'open')::int AS open,
              CASE WHEN s.decided > 0 THEN s.resolved::float / s.decided END AS rate
         FROM guidance g JOIN single s USING (subtype)
        WHERE g.tenant_id = $1 GROUP BY g.subtype, s.resolved, s.decided ORDER BY g.subtype`,
      [tenantId],
    );
    return {
      bySubtype: rows.map((r) => ({
        subtype: String(r.subtype),
        interventions: Number(r.interventions),
        resolved: Number(r.resolved),
        recurred: Number(r.recurred),
        open: Number(r.open),
        singleInterventionResolutionRate: r.rate === null ? null : Number(r.rate),
      })),
    };
  }
}
