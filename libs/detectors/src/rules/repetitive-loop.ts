import type { Detector, DetectorInput, Finding } from '../finding.js';
import { isWaitingCommand } from './polling.js';

const NAME = 'rules/repetitive-loop@1';

/** Whether a run of `length` repeats has just reached `threshold` or another multiple of it. */
function reaches(length: number, threshold: number): boolean {
  return length >= threshold && length % threshold === 0;
}

/**
 * reasoning_problem/repetitive_loop: the same tool call again and again — identical action and
 * identical result `identicalRepeats` times in a row, or identical action failing
 * `failingRepeats` times in a row. Waiting and polling commands get `pollingRepeats` instead,
 * and a result that changes breaks the identical-result run, so polling until ready stays quiet.
 */
export const repetitiveLoop: Detector = {
  name: NAME,
  detect({ window, step, thresholds }: DetectorInput): Finding[] {
    const done = window.completed();
    let sameAction = 0;
    let sameResult = 0;
    let allFailed = true;
    for (let i = done.length - 1; i >= 0; i--) {
      const a = done[i];
      if (a.actionFp !== step.actionFp) break;
      sameAction++;
      if (sameResult === sameAction - 1 && a.resultFp === step.resultFp) sameResult++;
      allFailed &&= a.failed;
      if (!allFailed && sameResult < sameAction) break;
    }
    const polling = isWaitingCommand(step.summary);
    const failingThreshold = polling ? thresholds.pollingRepeats : thresholds.failingRepeats;
    const identicalThreshold = polling ? thresholds.pollingRepeats : thresholds.identicalRepeats;

    let count = 0;
    let reason = '';
    let confidence = 0;
    if (allFailed) {
      if (!reaches(sameAction, failingThreshold)) return [];
      count = sameAction;
      reason = `ran \`${step.summary}\` ${count} times in a row and it failed each time`;
      confidence = 0.85;
    } else {
      if (!reaches(sameResult, identicalThreshold)) return [];
      count = sameResult;
      reason = `ran \`${step.summary}\` ${count} times in a row with the same result`;
      confidence = 0.9;
    }
    return [
      {
        category: 'reasoning_problem',
        subtype: 'repetitive_loop',
        confidence,
        signature: `loop:${step.actionFp}`,
        fromSeq: done[done.length - count].callSeq,
        toSeq: step.resultSeq,
        reason,
        detector: NAME,
      },
    ];
  },
};
