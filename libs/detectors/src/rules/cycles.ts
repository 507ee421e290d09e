import type { SessionWindow } from '../session-window.js';
import { MAX_PERIOD, RING } from '../session-window.js';
import type { DetectorThresholds } from '../thresholds.js';

/** Repeats a pattern of period 2–4 needs before it is a loop. */
export const CYCLE_REPEATS = 3;
/**
 * Sends of exactly the same step, each rejected the same way, that make a loop: the host said
 * what to change, and a rejection is not transient the way an error can be, so sending the step
 * back as it was is already ignoring it.
 */
export const REJECTED_REPEATS = 2;

/** A pattern of period 1–4 over similar actions with the same outcomes, just completed. */
export interface Cycle {
  period: number;
  /** How many times the pattern has now occurred. */
  repeats: number;
  /** The call seqs of the steps in the pattern, oldest first (at most 12). */
  steps: number[];
  /** Every step of one period failed (or reported an exception), the same way each time. */
  failing: boolean;
  /** Every step of one period was a test run. */
  tests: boolean;
  /** Every step of one period succeeded but was rejected, asked to change (`rejection.ts`). */
  rejected: boolean;
  /** The summaries of one period, in order. */
  summaries: string[];
}

/**
 * The cycle the latest completed step closes, if any: the last `period` steps repeated
 * `repeats` times, each step similar to the one `period` before it with the same outcome. Period
 * 1 needs `identicalRepeats` (succeeding) or `failingRepeats` (failing, or rejected: told to
 * change the step and sent it again), `REJECTED_REPEATS` when the rejected step came back
 * exactly as it was (values included); waiting and polling
 * commands need `pollingRepeats` and never form longer cycles. Reported on the step that
 * completes a multiple of the needed repeats, and under its shortest period only.
 */
export function cycleEndingNow(
  window: Readonly<SessionWindow>,
  thresholds: DetectorThresholds,
): Cycle | null {
  for (let p = 1; p <= MAX_PERIOD; p++) {
    const streak = window.periodStreak(p);
    if (streak < p || streak % p !== 0) continue;
    let shorter = false;
    for (let d = 1; d < p; d++) if (p % d === 0 && window.periodStreak(d) >= d) shorter = true;
    if (shorter) continue;
    let failing = true;
    let tests = true;
    let polling = false;
    let rejected = true;
    for (let k = 0; k < p; k++) {
      const f = window.stepFlags(k);
      failing &&= f.failing;
      tests &&= f.test;
      polling ||= f.polling;
      rejected &&= f.rejected;
    }
    if (p > 1 && polling) continue;
    const needed =
      p > 1
        ? CYCLE_REPEATS
        : polling
          ? thresholds.pollingRepeats
          : rejected && !failing && sentBackExactly(window)
            ? REJECTED_REPEATS
            : failing || rejected
              ? thresholds.failingRepeats
              : thresholds.identicalRepeats;
    const repeats = streak / p + 1;
    if (repeats < needed || repeats % needed !== 0) continue;
    const count = Math.min(repeats * p, RING);
    const steps: number[] = [];
    for (let k = count - 1; k >= 0; k--) steps.push(window.stepSeq(k));
    const done = window.actions.filter((x) => x.resultSeq !== null).slice(-p);
    const summaries = done.map((x) => x.summary);
    return { period: p, repeats, steps, failing, tests, rejected, summaries };
  }
  return null;
}

/** Whether the latest two completed calls are the same call, values included. */
function sentBackExactly(window: Readonly<SessionWindow>): boolean {
  let latest: number | null = null;
  for (let i = window.actions.length - 1; i >= 0; i--) {
    const a = window.actions[i];
    if (a.resultSeq === null) continue;
    if (latest === null) latest = a.lookSig;
    else return a.lookSig === latest;
  }
  return false;
}

/** "steps 3, 7 and 11" — the steps forming a pattern, for a reason. */
export function stepList(steps: readonly number[]): string {
  if (steps.length === 1) return `step ${steps[0]}`;
  return `steps ${steps.slice(0, -1).join(', ')} and ${steps[steps.length - 1]}`;
}
