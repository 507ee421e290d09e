import {
  NO_FINDINGS,
  findingsOf,
  reaches,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';
import { isTestRun } from '../tool-kinds.js';
import { cycleEndingNow, stepList } from './cycles.js';
import { quoted } from './repetitive-loop.js';

const NAME = 'rules/repeated-tool-error@2';

const finding = findingsOf('tool_call_failure', 'repeated_tool_error', NAME);

/**
 * tool_call_failure/repeated_tool_error: a call that keeps failing. The same (normalised) call
 * failing `failingRepeats` times in a row — with the same error signature, or a cycle of such
 * calls; or with errors that change but never a syntax error that moves on (the parser getting
 * further is progress). The same error from `sameErrorRepeats` differing calls in a row (a
 * retry storm with cosmetic changes). `timeoutRepeats` timeouts in a row. A test run that keeps
 * failing is not a tool error — the tool works; that is `repetitive_loop` or `no_progress`.
 */
export const repeatedToolError: Detector = {
  name: NAME,
  stepTypes: ['result'],
  detect({ window, step, thresholds }: DetectorInput): readonly Finding[] {
    if (step.type !== 'result') return NO_FINDINGS;
    const a = step.action;
    const error = window.lastError ? `: ${window.lastError}` : '';
    const cycle = cycleEndingNow(window, thresholds);
    if (cycle?.failing && !cycle.tests) {
      const what =
        cycle.period === 1
          ? `ran ${quoted(cycle.summaries[0] ?? a.summary)} ${cycle.repeats} times in a row`
          : `repeated the same ${cycle.period} calls (${cycle.summaries.map(quoted).join(' → ')}) ${cycle.repeats} times`;
      return [
        finding(
          `error:cycle:${a.actionFp}`,
          cycle.steps[0],
          a.resultSeq,
          `${what} and it failed the same way each time (${stepList(cycle.steps)})${error}`,
          0.85,
          cycle.steps,
        ),
      ];
    }
    const out: Finding[] = [];
    const run = window.run;
    const polling = a.polling;
    const test = isTestRun(a.toolName, a.kind === 'shell' ? a.summary : null);
    if (
      run &&
      !test &&
      run.failing > 0 &&
      reaches(run.failing, polling ? thresholds.pollingRepeats : thresholds.failingRepeats)
    ) {
      out.push(
        finding(
          `error:repeat:${a.actionFp}`,
          run.failingFrom,
          a.resultSeq,
          `ran ${quoted(a.summary)} ${run.failing} times in a row (from step ${run.failingFrom}) and it failed each time${error}`,
          0.85,
        ),
      );
    }
    const errors = window.errorRun;
    if (
      a.failed &&
      errors &&
      errors.distinctActions &&
      reaches(errors.count, thresholds.sameErrorRepeats)
    ) {
      out.push(
        finding(
          `error:${errors.errorFp}`,
          errors.fromSeq,
          a.resultSeq,
          `${errors.count} different calls in a row (from step ${errors.fromSeq}) failed with the same error${error || ''}`,
          0.8,
        ),
      );
    }
    const t = window.timeouts;
    if (a.failed && t.count > 0 && !polling && reaches(t.count, thresholds.timeoutRepeats)) {
      out.push(
        finding(
          'error:timeouts',
          t.fromSeq,
          a.resultSeq,
          `${t.count} calls in a row timed out (from step ${t.fromSeq})`,
          0.8,
        ),
      );
    }
    return out;
  },
};
