import {
  findingsOf,
  reaches,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';

const NAME = 'rules/no-progress@1';

const finding = findingsOf('reasoning_problem', 'no_progress', NAME);

/**
 * reasoning_problem/no_progress: different steps, no movement. The same test failure
 * fingerprint after `failureAcrossEdits` rounds of different edits; an edit that puts back what
 * an earlier edit of the same file replaced; the same unchanged file read `redundantReads` times
 * with no edit in between (not back to back: that is a loop); `condensations` context condensations with no tool call between them.
 * Whether the edits were sensible attempts is the LLM judge's to say.
 */
export const noProgress: Detector = {
  name: NAME,
  detect({ window, step, thresholds }: DetectorInput): Finding[] {
    if (step.type === 'message') {
      const c = window.condensations;
      if (c.count > 0 && reaches(c.count, thresholds.condensations)) {
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
      return [];
    }
    if (step.type !== 'result') return [];
    const a = step.action;
    const out: Finding[] = [];
    const failure = window.persistentFailure;
    if (
      failure &&
      window.lastTest?.seq === a.resultSeq &&
      failure.edits > 0 &&
      reaches(failure.edits, thresholds.failureAcrossEdits - 1)
    ) {
      out.push(
        finding(
          `stuck:failure:${failure.failureFp}`,
          failure.fromSeq,
          a.resultSeq,
          `the same test failure came back after ${failure.edits} rounds of edits (\`${a.summary}\`)`,
          0.8,
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
        ),
      );
    }
    // Back-to-back identical reads are a repetitive loop; this is about coming back to a file.
    if (a.kind === 'read' && a.path && !a.failed && window.run?.sameResult === 1) {
      const file = window.files.get(a.path);
      if (file && reaches(file.reads, thresholds.redundantReads)) {
        out.push(
          finding(
            `stuck:reread:${a.path}`,
            file.firstReadSeq,
            a.resultSeq,
            `read the unchanged file \`${a.path}\` ${file.reads} times without editing it`,
            0.7,
          ),
        );
      }
    }
    return out;
  },
};
