import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Cohort, ExperimentRequest } from '@wink/contracts';
import { queryRows } from '@wink/persistence';
import type { Sample } from './welch.js';

export const METRICS = ['toolFailures', 'tokens', 'humanInterventions'] as const;
export type Metric = (typeof METRICS)[number];

export interface Experiment {
  experimentId: string;
  name: string;
  treatmentShare: number;
  startedAt: string;
  stoppedAt: string | null;
}

export interface CohortSamples {
  cohort: Cohort;
  sessions: number;
  /** Sessions with at least one verdict (shadow-mode verdicts included for control). */
  flaggedSessions: number;
  /** Guidance issued while the experiment ran (none for control: shadow mode). */
  guidance: number;
  metrics: Record<Metric, Sample>;
}

const COLUMNS = `experiment_id AS "experimentId", name, treatment_share AS "treatmentShare",
  started_at AS "startedAt", stopped_at AS "stoppedAt"`;

function toExperiment(row: Record<string, unknown>): Experiment {
  return {
    experimentId: String(row.experimentId),
    name: String(row.name),
    treatmentShare: Number(row.treatmentShare),
    startedAt: (row.startedAt as Date).toISOString(),
    stoppedAt: row.stoppedAt ? (row.stoppedAt as Date).toISOString() : null,
  };
}

@Injectable()
export class ExperimentsRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** Starts one; null when the tenant already runs an experiment. */
  async start(tenantId: string, request: ExperimentRequest): Promise<Experiment | null> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `INSERT INTO experiments (tenant_id, name, treatment_share) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) WHERE stopped_at IS NULL DO NOTHING RETURNING ${COLUMNS}`,
      [tenantId, request.name, request.treatmentShare],
    );
    return rows[0] ? toExperiment(rows[0]) : null;
  }

  async list(tenantId: string): Promise<Experiment[]> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ${COLUMNS} FROM experiments WHERE tenant_id = $1 ORDER BY started_at DESC`,
      [tenantId],
    );
    return rows.map(toExperiment);
  }

  async find(tenantId: string, experimentId: string): Promise<Experiment | null> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT ${COLUMNS} FROM experiments WHERE tenant_id = $1 AND experiment_id = $2`,
      [tenantId, experimentId],
    );
    return rows[0] ? toExperiment(rows[0]) : null;
  }

  /** Stops a running experiment; null when the tenant has no such running experiment. */
  async stop(tenantId: string, experimentId: string): Promise<Experiment | null> {
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      `UPDATE experiments SET stopped_at = now()
        WHERE tenant_id = $1 AND experiment_id = $2 AND stopped_at IS NULL RETURNING ${COLUMNS}`,
      [tenantId, experimentId],
    );
    return rows[0] ? toExperiment(rows[0]) : null;
  }

  /**
   * Per cohort, the sessions Wink first heard of while the experiment ran, each put in its
   * cohort by its stored point (as the intervention service does), with the per-session metrics'
   * samples, and the guidance issued while it ran.
   */
  async cohortSamples(tenantId: string, experimentId: string): Promise<CohortSamples[]> {
    const stats = (column: string) =>
      `avg(${column})::float AS "${column}_mean", coalesce(var_samp(${column}), 0)::float AS "${column}_var"`;
    const window = `e.tenant_id = $1 AND e.experiment_id = $2`;
    const rows: Array<Record<string, number | string>> = await this.db.query(
      `SELECT CASE WHEN s.cohort_point < e.treatment_share THEN 'treatment' ELSE 'control' END AS cohort,
              count(*)::int AS sessions,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM session_misbehaviours m
                                 WHERE m.tenant_id = $1 AND m.session_id = s.session_id))::int AS flagged,
              ${stats('tool_failures')}, ${stats('tokens')}, ${stats('human_interventions')}
         FROM experiments e JOIN sessions s ON s.tenant_id = e.tenant_id
          AND s.first_received_at >= e.started_at AND (e.stopped_at IS NULL OR s.first_received_at < e.stopped_at)
        WHERE ${window} GROUP BY 1`,
      [tenantId, experimentId],
    );
    const guidance: Array<{ cohort: string; n: number }> = await this.db.query(
      `SELECT g.cohort, count(*)::int AS n FROM experiments e JOIN guidance g ON g.tenant_id = e.tenant_id
          AND g.created_at >= e.started_at AND (e.stopped_at IS NULL OR g.created_at < e.stopped_at)
        WHERE ${window} GROUP BY g.cohort`,
      [tenantId, experimentId],
    );
    const sample = (r: Record<string, number | string>, column: string): Sample => ({
      n: Number(r.sessions),
      mean: Number(r[`${column}_mean`]),
      variance: Number(r[`${column}_var`]),
    });
    return (['treatment', 'control'] as const).map((cohort) => {
      const r = rows.find((row) => row.cohort === cohort);
      const empty = { n: 0, mean: 0, variance: 0 };
      return {
        cohort,
        sessions: r ? Number(r.sessions) : 0,
        flaggedSessions: r ? Number(r.flagged) : 0,
        guidance: guidance.find((g) => g.cohort === cohort)?.n ?? 0,
        metrics: {
          toolFailures: r ? sample(r, 'tool_failures') : empty,
          tokens: r ? sample(r, 'tokens') : empty,
          humanInterventions: r ? sample(r, 'human_interventions') : empty,
        },
      };
    });
  }
}
