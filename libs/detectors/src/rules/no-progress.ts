import {
  NO_FINDINGS,
  findingsOf,
  reaches,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';
import { stepList } from './cycles.js';
import { quoted } from './repetitive-loop.js';

const NAME = 'rules/no-progress@2';

const finding = findingsOf('reasoning_problem', 'no_progress', NAME);

/**
 * reasoning_problem/no_progress: different steps, no movement. The same check (a test run, or a
 * command run again) failing with the same error signature after `failureAcrossEdits` - 1
 * rounds of edits; an edit that puts back what an earlier edit of the same file replaced; a file
 * created, removed and created again; `condensations` context
 * condensations with no tool call between them. Whether the edits were sensible attempts is
 * the LLM judge's to say.
 */
export const noProgress: Detector = {
  name: NAME,
  stepTypes: ['message', 'result'],
  detect({ window, step, thresholds }: DetectorInput): readonly Finding[] {
    if (step.type === 'message') {
      const c = window.condensations;
      if (c.lastSeq === step.seq && reaches(c.count, thresholds.condensations)) {
        return [
          finding(
            'stuck:condensation',
            c.fromSeq,
            step.seq,
            `the context was condensed ${c.count} times with no tool call in between`,
            0.75,
          ),
        ];
      }
      return NO_FINDINGS;
    }
    if (step.type !== 'result') return NO_FINDINGS;
    const a = step.action;
    const out: Finding[] = [];
    const failure = window.persistentFailure;
    if (
      failure &&
      failure.steps[failure.steps.length - 1] === a.callSeq &&
      failure.edits > 0 &&
      reaches(failure.edits, thresholds.failureAcrossEdits - 1)
    ) {
      const error = failure.label ? `: ${failure.label}` : '';
      out.push(
        finding(
          `stuck:failure:${failure.key}:${failure.errorHash >>> 0}`,
          failure.fromSeq,
          a.resultSeq,
          `${quoted(a.summary)} failed the same way after ${failure.edits} rounds of edits (${stepList(failure.steps)})${error}`,
          0.8,
          failure.steps,
        ),
      );
    }
    if (window.revert) {
      const r = window.revert;
      out.push(
        finding(
          `stuck:revert:${r.path}`,
          r.editSeq,
          a.resultSeq,
          `the edit at step ${r.revertSeq} undid the edit of \`${r.path}\` made at step ${r.editSeq}`,
          0.8,
          [r.editSeq, r.revertSeq],
        ),
      );
    }
    if (window.recreation) {
      const { path, steps } = window.recreation;
      out.push(
        finding(
          `stuck:recreate:${path}`,
          steps[0],
          a.resultSeq,
          `created \`${path}\` at step ${steps[0]}, removed it at step ${steps[1]} and created it again at step ${steps[2]}`,
          0.75,
          [...steps],
        ),
      );
    }
    return out;
  },
};
