import type { CohortSamples, Experiment, Metric } from './experiments.repository.js';
import { METRICS } from './experiments.repository.js';
import { welch, type Comparison } from './welch.js';

/** Below this many sessions in either cohort the results say they cannot conclude yet. */
export const MIN_SESSIONS_PER_COHORT = 30;

export interface MetricResult extends Comparison {
  metric: Metric;
  treatmentMean: number;
  controlMean: number;
  significant: boolean;
}

/** An experiment's cohorts compared metric by metric, with a warning while the sample is small. */
export function experimentResults(experiment: Experiment, cohorts: CohortSamples[]) {
  const [treatment, control] = cohorts;
  const small = Math.min(treatment.sessions, control.sessions) < MIN_SESSIONS_PER_COHORT;
  const metrics: MetricResult[] = METRICS.map((metric) => {
    const comparison = welch(treatment.metrics[metric], control.metrics[metric]);
    return {
      metric,
      treatmentMean: treatment.metrics[metric].mean,
      controlMean: control.metrics[metric].mean,
      ...comparison,
      significant: !small && comparison.pValue !== null && comparison.pValue < 0.05,
    };
  });
  return {
    experiment,
    test: "Welch's two-sample t-test on per-session means, two-sided, 95% confidence interval",
    cohorts: cohorts.map((c) => ({
      cohort: c.cohort,
      sessions: c.sessions,
      flaggedSessions: c.flaggedSessions,
      guidance: c.guidance,
    })),
    metrics,
    warning: small
      ? `too few sessions to conclude: ${treatment.sessions} treatment and ${control.sessions} control; at least ${MIN_SESSIONS_PER_COHORT} in each are needed`
      : null,
  };
}
