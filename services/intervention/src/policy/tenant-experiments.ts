import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { cohortOf, type Cohort } from '@wink/contracts';
import { runningExperiment, type RunningExperiment } from '@wink/persistence';
import { RefreshingCache } from '@wink/platform';

/** Starting or stopping an experiment reaches the policy within this long. */
const MAX_AGE_MS = 5_000;

/**
 * Each tenant's running A/B experiment, cached briefly and reloaded in the background, and the
 * cohort it puts a session in.
 */
@Injectable()
export class TenantExperiments {
  private readonly log = new Logger(TenantExperiments.name);
  private readonly cache = new RefreshingCache<RunningExperiment | null>({
    // Read again in the background halfway, so a tenant sending verdicts never waits on it.
    ttlMs: MAX_AGE_MS / 2,
    maxAgeMs: MAX_AGE_MS,
    maxEntries: 10_000,
    onError: (error) =>
      this.log.warn({ msg: "using a tenant's last experiment", error: String(error) }),
  });

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The session's cohort, or null when the tenant runs no experiment. */
  async cohortOf(tenantId: string, sessionId: string): Promise<Cohort | null> {
    const experiment = await this.cache.value(tenantId, () => runningExperiment(this.db, tenantId));
    return experiment ? cohortOf(sessionId, experiment.treatmentShare) : null;
  }
}
