import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cohortOf, type Cohort } from '@wink/contracts';
import { runningExperiment, type RunningExperiment } from '@wink/persistence';

/** Starting or stopping an experiment reaches the policy within this long. */
const TTL_MS = 5_000;

/** Each tenant's running A/B experiment, cached briefly, and the cohort it puts a session in. */
@Injectable()
export class TenantExperiments {
  private readonly cache = new Map<
    string,
    { experiment: RunningExperiment | null; until: number }
  >();

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The session's cohort, or null when the tenant runs no experiment. */
  async cohortOf(tenantId: string, sessionId: string): Promise<Cohort | null> {
    const experiment = await this.running(tenantId);
    return experiment ? cohortOf(sessionId, experiment.treatmentShare) : null;
  }

  private async running(tenantId: string): Promise<RunningExperiment | null> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.experiment;
    const experiment = await runningExperiment(this.db, tenantId);
    this.cache.set(tenantId, { experiment, until: Date.now() + TTL_MS });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return experiment;
  }
}
