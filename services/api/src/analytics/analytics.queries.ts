import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MisbehaviourRateQuery, TimeRange } from '@wink/contracts';
import { outcomesBySubtype, type SubtypeOutcomes } from '@wink/persistence';

export interface RateRow {
  key: string;
  sessions: number;
  flagged: number;
  rate: number;
}

export interface MisbehaviourRate {
  groupBy: MisbehaviourRateQuery['groupBy'];
  from: string;
  to: string;
  /** Sessions first seen in the range (after the agent / model filters). */
  sessions: number;
  /** Of those, sessions with at least one verdict (of the category / subtype filter, if any). */
  flagged: number;
  rate: number;
  rows: RateRow[];
}

export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

const SESSION_KEYS = {
  day: `to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  agent: 'agent_name',
  model: `coalesce(model, '(unknown)')`,
} as const;

const rate = (flagged: number, sessions: number) => (sessions > 0 ? flagged / sessions : 0);

/**
 * The analytics SQL. Rates read the recorder's rollups (`sessions` aggregates and
 * `session_misbehaviours`), never the events table; every query is scoped to one tenant.
 */
@Injectable()
export class AnalyticsQueries {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Share of sessions (first seen in the range) with at least one verdict, by category, subtype,
   * agent, model or day (UTC). By category or subtype each row counts the sessions that showed it.
   */
  async misbehaviourRate(
    tenantId: string,
    range: TimeRange,
    q: MisbehaviourRateQuery,
  ): Promise<MisbehaviourRate> {
    const params = [
      tenantId,
      range.from,
      range.to,
      q.agent ?? null,
      q.model ?? null,
      q.category ?? null,
      q.subtype ?? null,
    ];
    const scoped = `SELECT session_id, agent_name, model, first_seen_at FROM sessions
       WHERE tenant_id = $1 AND first_seen_at >= $2 AND first_seen_at < $3
         AND ($4::text IS NULL OR agent_name = $4) AND ($5::text IS NULL OR model = $5)`;
    const matches = `m.tenant_id = $1 AND m.session_id = s.session_id
         AND ($6::text IS NULL OR m.category = $6) AND ($7::text IS NULL OR m.subtype = $7)`;
    const [total]: Array<{ sessions: number; flagged: number }> = await this.db.query(
      `WITH s AS (${scoped})
       SELECT count(*)::int AS sessions,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m WHERE ${matches}))::int AS flagged
         FROM s`,
      params,
    );
    let rows: Array<{ key: string; sessions: number; flagged: number }>;
    if (q.groupBy === 'category' || q.groupBy === 'subtype') {
      rows = await this.db.query(
        `WITH s AS (${scoped})
         SELECT m.${q.groupBy} AS key, $8::int AS sessions, count(*)::int AS flagged
           FROM (SELECT DISTINCT m.${q.groupBy}, m.session_id
                   FROM s JOIN session_misbehaviours m ON ${matches}) m
          GROUP BY m.${q.groupBy} ORDER BY flagged DESC, key`,
        [...params, total.sessions],
      );
    } else {
      const key = SESSION_KEYS[q.groupBy];
      rows = await this.db.query(
        `WITH s AS (${scoped})
         SELECT ${key} AS key, count(*)::int AS sessions,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m WHERE ${matches}))::int AS flagged
           FROM s GROUP BY 1 ORDER BY 1`,
        params,
      );
    }
    return {
      groupBy: q.groupBy,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      sessions: total.sessions,
      flagged: total.flagged,
      rate: rate(total.flagged, total.sessions),
      rows: rows.map((r) => ({ ...r, rate: rate(r.flagged, r.sessions) })),
    };
  }

  /** Verdicts and guidance created in the range, per subtype (and severity). */
  async counts(tenantId: string, range: TimeRange) {
    const verdicts: Array<{ category: string; subtype: string; verdicts: number }> =
      await this.db.query(
        `SELECT category, subtype, count(*)::int AS verdicts FROM verdicts
          WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
          GROUP BY category, subtype ORDER BY verdicts DESC, subtype`,
        [tenantId, range.from, range.to],
      );
    const guidance: Array<{
      subtype: string;
      severity: string;
      guidance: number;
      delivered: number;
      acknowledged: number;
    }> = await this.db.query(
      `SELECT subtype, severity, count(*)::int AS guidance, count(delivered_at)::int AS delivered,
              count(acked_at)::int AS acknowledged
         FROM guidance WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
        GROUP BY subtype, severity ORDER BY subtype, severity`,
      [tenantId, range.from, range.to],
    );
    const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((n, r) => n + f(r), 0);
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      verdicts: { total: sum(verdicts, (r) => r.verdicts), bySubtype: verdicts },
      guidance: {
        total: sum(guidance, (r) => r.guidance),
        delivered: sum(guidance, (r) => r.delivered),
        acknowledged: sum(guidance, (r) => r.acknowledged),
        bySubtypeAndSeverity: guidance,
      },
    };
  }

  /** Interventions by outcome per subtype, and the single-intervention resolution rate overall. */
  async resolution(tenantId: string, range: TimeRange) {
    const bySubtype: SubtypeOutcomes[] = await outcomesBySubtype(this.db, tenantId, range);
    const decided = bySubtype.filter((s) => s.singleInterventionResolutionRate !== null);
    const [overall]: Array<{ rate: number | null }> = await this.db.query(
      `WITH first_guidance AS (
         SELECT DISTINCT ON (session_id, subtype, signature) outcome FROM guidance
          WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
          ORDER BY session_id, subtype, signature, created_at)
       SELECT (count(*) FILTER (WHERE outcome = 'resolved'))::float
              / nullif(count(*) FILTER (WHERE outcome IN ('resolved', 'recurred')), 0) AS rate
         FROM first_guidance`,
      [tenantId, range.from, range.to],
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      singleInterventionResolutionRate: decided.length ? overall.rate : null,
      bySubtype,
    };
  }

  /**
   * Latency percentiles in milliseconds: event accepted → guidance issued, → delivered to the
   * host (first channel), per delivery channel, and delivery → acknowledgement.
   */
  async latency(tenantId: string, range: TimeRange) {
    const pct = (expr: string) =>
      `percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM ${expr}) * 1000)`;
    const [row]: Array<Record<string, number | number[] | null>> = await this.db.query(
      `SELECT count(*)::int AS issued, ${pct('created_at - source_received_at')} AS issue,
              count(delivered_at)::int AS delivered, ${pct('delivered_at - source_received_at')} AS delivery,
              count(acked_at)::int AS acked, ${pct('acked_at - delivered_at')} AS ack
         FROM guidance WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3`,
      [tenantId, range.from, range.to],
    );
    const channels: Array<{ channel: string; n: number; p: number[] | null }> = await this.db.query(
      `SELECT d.channel, count(*)::int AS n, ${pct('d.delivered_at - g.created_at')} AS p
           FROM deliveries d JOIN guidance g USING (intervention_id)
          WHERE d.tenant_id = $1 AND d.delivered_at IS NOT NULL
            AND g.created_at >= $2 AND g.created_at < $3
          GROUP BY d.channel ORDER BY d.channel`,
      [tenantId, range.from, range.to],
    );
    const percentiles = (count: number, p: number[] | null): Percentiles => ({
      count,
      p50: p?.[0] ?? null,
      p90: p?.[1] ?? null,
      p99: p?.[2] ?? null,
    });
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      eventToGuidanceMs: percentiles(row.issued as number, row.issue as number[] | null),
      eventToDeliveryMs: percentiles(row.delivered as number, row.delivery as number[] | null),
      deliveryToAckMs: percentiles(row.acked as number, row.ack as number[] | null),
      guidanceToDeliveryMsByChannel: Object.fromEntries(
        channels.map((c) => [c.channel, percentiles(c.n, c.p)]),
      ),
    };
  }
}
