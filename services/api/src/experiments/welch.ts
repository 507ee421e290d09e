import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** One cohort's sample of a per-session metric. */
export interface Sample {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator). */
  variance: number;
}

export interface Comparison {
  /** treatment mean − control mean */
  difference: number;
  /** difference / control mean, or null when the control mean is 0 */
  relativeDifference: number | null;
  /** 95% confidence interval of the difference */
  ci95: [number, number] | null;
  pValue: number | null;
  degreesOfFreedom: number | null;
}

/**
 * Welch's two-sample t-test of treatment against control. Per-session counts are skewed and
 * guidance may change their spread, so the test must not assume equal variances; with the sample
 * sizes the results ask for (≥ 30 sessions a cohort) the difference of means is close to normal.
 */
export function welch(treatment: Sample, control: Sample): Comparison {
  const difference = treatment.mean - control.mean;
  const relativeDifference = control.mean !== 0 ? difference / control.mean : null;
  if (treatment.n < 2 || control.n < 2) {
    return { difference, relativeDifference, ci95: null, pValue: null, degreesOfFreedom: null };
  }
  const a = treatment.variance / treatment.n;
  const b = control.variance / control.n;
  const se = Math.sqrt(a + b);
  if (se === 0) {
    // Both cohorts constant: the difference is exact.
    return {
      difference,
      relativeDifference,
      ci95: [difference, difference],
      pValue: difference === 0 ? 1 : 0,
      degreesOfFreedom: null,
    };
  }
  const df = (a + b) ** 2 / (a ** 2 / (treatment.n - 1) + b ** 2 / (control.n - 1));
  const t = difference / se;
  const margin = tQuantile(0.975, df) * se;
  return {
    difference,
    relativeDifference,
    ci95: [difference - margin, difference + margin],
    pValue: Math.min(1, 2 * (1 - tCdf(Math.abs(t), df))),
    degreesOfFreedom: df,
  };
}
