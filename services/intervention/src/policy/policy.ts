import {
  SEVERITIES,
  type Cohort,
  type PolicyOverrides,
  type Severity,
  type VerdictV1,
} from '@wink/contracts';
import { initialSeverity } from './severity.js';

export type PolicySettings = Required<PolicyOverrides>;

/** What is known, at decision time, about the session and the last guidance for the same misbehaviour. */
export interface PolicyState {
  /** The session's cohort in the tenant's running A/B experiment, or null when none runs. */
  cohort: Cohort | null;
  /**
   * Steps the session has recorded after the verdict's step (counted up to one past
   * `staleSteps`): seqs order steps but need not count them (OTLP seqs are timestamps).
   */
  stepsAfter: number;
  /** Guidance the session has received so far. */
  sessionGuidance: number;
  previous: {
    interventionId: string;
    severity: Severity;
    deliveredAt: Date | null;
  } | null;
}

export type DropReason =
  'control_cohort' | 'stale' | 'cap' | 'undelivered' | 'cooldown' | 'before_delivery';

export type Decision =
  | { action: 'issue'; severity: Severity; recurrenceOf: string | null }
  | { action: 'drop'; reason: DropReason };

export function escalate(severity: Severity): Severity {
  return SEVERITIES[Math.min(SEVERITIES.indexOf(severity) + 1, SEVERITIES.length - 1)];
}

/**
 * The intervention policy, as a pure function. A session in an experiment's control cohort is
 * only observed (shadow mode: its verdicts are recorded, nothing is answered). A verdict the session has moved far past is
 * stale; a session over its cap gets nothing more. The same misbehaviour again, before the agent
 * has seen the last guidance about it or within the cooldown after delivery, is not answered;
 * once it recurs after delivery, the answer climbs a step: nudge → warn → halt.
 */
export function decide(
  verdict: Pick<VerdictV1, 'subtype' | 'env' | 'createdAt'>,
  state: PolicyState,
  settings: PolicySettings,
  now: number,
): Decision {
  if (state.cohort === 'control') return { action: 'drop', reason: 'control_cohort' };
  if (state.stepsAfter > settings.staleSteps) {
    return { action: 'drop', reason: 'stale' };
  }
  if (state.sessionGuidance >= settings.maxPerSession) return { action: 'drop', reason: 'cap' };
  const previous = state.previous;
  if (!previous) return { action: 'issue', severity: initialSeverity(verdict), recurrenceOf: null };
  if (!previous.deliveredAt) return { action: 'drop', reason: 'undelivered' };
  const delivered = previous.deliveredAt.getTime();
  if (verdict.createdAt <= delivered) return { action: 'drop', reason: 'before_delivery' };
  if (now - delivered < settings.cooldownMs) return { action: 'drop', reason: 'cooldown' };
  return {
    action: 'issue',
    severity: escalate(previous.severity),
    recurrenceOf: previous.interventionId,
  };
}
