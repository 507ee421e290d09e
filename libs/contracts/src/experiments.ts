import { createHash } from 'node:crypto';
import { z } from 'zod';

export const COHORTS = ['treatment', 'control'] as const;
export type Cohort = (typeof COHORTS)[number];

/** Body of POST /v1/experiments: starts the tenant's A/B experiment. */
export const ExperimentRequest = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** Share of sessions that get guidance; the rest are the control cohort (shadow mode). */
  treatmentShare: z.number().gt(0).lt(1),
});
export type ExperimentRequest = z.infer<typeof ExperimentRequest>;

/**
 * A session's point in [0, 1): the first 32 bits of md5(session id) over 2^32. The same in every
 * service and in SQL (`COHORT_POINT_SQL` in @wink/persistence), so the cohort needs no lookup.
 */
export function cohortPoint(sessionId: string): number {
  return parseInt(createHash('md5').update(sessionId).digest('hex').slice(0, 8), 16) / 2 ** 32;
}

/**
 * A session's cohort in an experiment. A session belongs to the one experiment that ran when Wink
 * first heard of it, so its id alone can place it.
 */
export function cohortOf(sessionId: string, treatmentShare: number): Cohort {
  return cohortPoint(sessionId) < treatmentShare ? 'treatment' : 'control';
}
