import type { Severity, VerdictV1 } from '@wink/contracts';

/** `destructive_action` in production, or where the host did not say, stops the agent at once. */
export function initialSeverity(verdict: Pick<VerdictV1, 'subtype' | 'env'>): Severity {
  if (
    verdict.subtype === 'destructive_action' &&
    (verdict.env === undefined || verdict.env === 'production' || verdict.env === 'unknown')
  ) {
    return 'halt';
  }
  return 'nudge';
}
