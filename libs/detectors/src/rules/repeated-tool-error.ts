import { reaches, type Detector, type DetectorInput, type Finding } from '../finding.js';
import { resultText } from '../session-window.js';
import { isWaitingCommand } from './polling.js';

const NAME = 'rules/repeated-tool-error@1';

/**
 * tool_call_failure/repeated_tool_error: the same error again and again from calls that differ
 * (a retry storm with cosmetic changes, or the same syntax error made in edit after edit), and
 * consecutive timeouts. Identical calls failing identically are `repetitive_loop`'s.
 */
export const repeatedToolError: Detector = {
  name: NAME,
  detect({ window, step, thresholds }: DetectorInput): Finding[] {
    if (step.type !== 'result' || !step.action.failed) return [];
    const a = step.action;
    const out: Finding[] = [];
    const errors = window.errorRun;
    if (errors && errors.distinctActions && reaches(errors.count, thresholds.sameErrorRepeats)) {
      const line =
        resultText(a, 4096)
          .split('\n')
          .find((l) => /error|fail|exception/i.test(l))
          ?.trim() ?? 'the same error';
      out.push({
        category: 'tool_call_failure',
        subtype: 'repeated_tool_error',
        confidence: 0.8,
        signature: `error:${errors.errorFp}`,
        fromSeq: errors.fromSeq,
        toSeq: a.resultSeq,
        reason: `${errors.count} calls in a row failed with the same error: ${line.slice(0, 120)}`,
        detector: NAME,
      });
    }
    const t = window.timeouts;
    if (
      t.count > 0 &&
      !isWaitingCommand(a.summary) &&
      reaches(t.count, thresholds.timeoutRepeats)
    ) {
      out.push({
        category: 'tool_call_failure',
        subtype: 'repeated_tool_error',
        confidence: 0.8,
        signature: 'error:timeouts',
        fromSeq: t.fromSeq,
        toSeq: a.resultSeq,
        reason: `${t.count} calls in a row timed out`,
        detector: NAME,
      });
    }
    return out;
  },
};
