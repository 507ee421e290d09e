import type { DataSource } from 'typeorm';

export interface RunningExperiment {
  experimentId: string;
  name: string;
  treatmentShare: number;
  startedAt: Date;
}

/** The tenant's experiment that is running now, or null. */
export async function runningExperiment(
  db: DataSource,
  tenantId: string,
): Promise<RunningExperiment | null> {
  const rows: Array<{
    experiment_id: string;
    name: string;
    treatment_share: number;
    started_at: Date;
  }> = await db.query(
    `SELECT experiment_id, name, treatment_share, started_at FROM experiments
        WHERE tenant_id = $1 AND stopped_at IS NULL`,
    [tenantId],
  );
  const row = rows[0];
  return row
    ? {
        experimentId: row.experiment_id,
        name: row.name,
        treatmentShare: Number(row.treatment_share),
        startedAt: row.started_at,
      }
    : null;
}
