import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { categoryOf, TAXONOMY, type MisbehaviourRateQuery, type TimeRange } from '@wink/contracts';
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

const rate = (flagged: number, sessions: number) => (sessions > 0 ? flagged / sessions : 0);

/**
 * The analytics SQL. Rates read the recorder's rollups (`sessions` aggregates and
 * `session_misbehaviours`), never the events table; every query is scoped to one tenant.
 */
@Injectable()
export class AnalyticsQueries {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Share of sessions with at least one verdict (of the category / subtype filter, if any), by
   * category, subtype, agent, model or day, over the sessions whose first step falls on a UTC day
   * of the range. By category or subtype each row counts the sessions that showed it. Reads the
   * recorder's daily rollup, never the sessions or events.
   */
  async misbehaviourRate(
    tenantId: string,
    range: TimeRange,
    q: MisbehaviourRateQuery,
  ): Promise<MisbehaviourRate> {
    // The range's first and last UTC day (`to` is exclusive).
    const days = [range.from, new Date(range.to.getTime() - 1)].map((d) =>
      d.toISOString().slice(0, 10),
    );
    // Which rollup rows count a session as flagged: any verdict, or the filter's subtype / category.
    const flag = q.subtype
      ? { dimension: 'subtype', keys: [q.subtype] }
      : q.category
        ? { dimension: 'category', keys: [q.category] }
        : { dimension: 'all', keys: [''] };
    const model = q.model === '(unknown)' ? '' : q.model;
    const params = [tenantId, days[0], days[1], q.agent ?? null, model ?? null];
    const scope = `tenant_id = $1 AND day BETWEEN $2::date AND $3::date
       AND ($4::text IS NULL OR agent_name = $4) AND ($5::text IS NULL OR model = $5)`;
    const flagged = `dimension = '${flag.dimension}' AND key = ANY($6::text[])`;
    const [total]: Array<{ sessions: number; flagged: number }> = await this.db.query(
      `SELECT coalesce(sum(sessions) FILTER (WHERE dimension = 'all'), 0)::int AS sessions,
              coalesce(sum(flagged) FILTER (WHERE ${flagged}), 0)::int AS flagged
         FROM daily_rates WHERE ${scope} AND (dimension = 'all' OR ${flagged})`,
      [...params, flag.keys],
    );
    let rows: Array<{ key: string; sessions: number; flagged: number }>;
    if (q.groupBy === 'category' || q.groupBy === 'subtype') {
      // Grouped by subtype, a category filter keeps that category's subtypes; grouped by category,
      // a subtype filter counts that subtype under its category.
      const shown =
        q.groupBy === 'subtype'
          ? {
              dimension: 'subtype',
              keys: q.subtype ? [q.subtype] : q.category ? [...TAXONOMY[q.category]] : null,
            }
          : q.subtype
            ? { dimension: 'subtype', keys: [q.subtype] }
            : { dimension: 'category', keys: q.category ? [q.category] : null };
      const label =
        shown.dimension === q.groupBy ? 'key' : `'${q.subtype && categoryOf(q.subtype)}'`;
      rows = await this.db.query(
        `SELECT ${label} AS key, $6::int AS sessions, sum(flagged)::int AS flagged
           FROM daily_rates
          WHERE ${scope} AND dimension = '${shown.dimension}' AND ($7::text[] IS NULL OR key = ANY($7))
          GROUP BY 1 ORDER BY flagged DESC, key`,
        [...params, total.sessions, shown.keys],
      );
    } else {
      const key = { day: `to_char(day, 'YYYY-MM-DD')`, agent: 'agent_name', model: 'model' }[
        q.groupBy
      ];
      rows = await this.db.query(
        `SELECT ${key} AS key, coalesce(sum(sessions) FILTER (WHERE dimension = 'all'), 0)::int AS sessions,
                coalesce(sum(flagged) FILTER (WHERE ${flagged}), 0)::int AS flagged
           FROM daily_rates WHERE ${scope} AND (dimension = 'all' OR ${flagged})
          GROUP BY 1 ORDER BY 1`,
        [...params, flag.keys],
      );
    }
    return {
      groupBy: q.groupBy,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      sessions: total.sessions,
      flagged: total.flagged,
      rate: rate(total.flagged, total.sessions),
      rows: rows.map((r) => ({
        ...r,
        key: q.groupBy === 'model' && r.key === '' ? '(unknown)' : r.key,
        rate: rate(r.flagged, r.sessions),
      })),
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
    const [overall]: Array<{ rate: number | null }> = await this.db.query(
      `SELECT (count(*) FILTER (WHERE outcome = 'resolved'))::float
              / nullif(count(*) FILTER (WHERE outcome IN ('resolved', 'recurred')), 0) AS rate
         FROM guidance WHERE tenant_id = $1 AND first AND created_at >= $2 AND created_at < $3`,
      [tenantId, range.from, range.to],
    );
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      singleInterventionResolutionRate: overall.rate,
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
