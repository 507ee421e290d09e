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
 * A session's cohort, from the experiment and session ids alone, so every service (and SQL:
 * `cohortSql` in @wink/persistence) assigns it the same way without storing it: the first 32 bits
 * of md5("<experimentId>:<sessionId>") as a fraction of 2^32, below the share → treatment.
 */
export function cohortOf(experimentId: string, sessionId: string, treatmentShare: number): Cohort {
  const hex = createHash('md5').update(`${experimentId}:${sessionId}`).digest('hex');
  return parseInt(hex.slice(0, 8), 16) / 2 ** 32 < treatmentShare ? 'treatment' : 'control';
}
