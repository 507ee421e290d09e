import {
  NO_FINDINGS,
  findingsOf,
  type Detector,
  type DetectorInput,
  type Finding,
} from '../finding.js';

const NAME = 'rules/false-completion@1';

const CLAIMS_TESTS_PASS =
  /\b(all (the )?tests (now )?pass|tests (now |are )?(all )?(pass|passing|green|succeed)|test suite passes|(all|every) tests? (is |are )?(passing|green))\b/i;
const CLAIMS_DONE =
  /\b(i('ve| have) (fixed|resolved|completed|implemented)|(is|are|has been|have been) (now )?(fixed|resolved)|the (fix|task|change) is (complete|done)|successfully (fixed|resolved|implemented|completed))\b/i;
/** Every claim above holds one of these words: a reply without any is read once, not twice. */
const CLAIM_WORD = /test|fixed|resolved|complete|implemented|done/i;
const HEDGED =
  /\b(not yet|still fail|doesn'?t pass|don'?t pass|failing|should (now )?pass|might|may|if|once|unable|couldn'?t|could not|cannot|can'?t)\b/i;

const finding = findingsOf('reasoning_problem', 'false_completion', NAME);

/**
 * reasoning_problem/false_completion: a claim of success the record contradicts — "tests pass"
 * while the last test run failed or no test ran; "fixed" while the last test run failed; ending
 * the session without touching any file the task named as the one to change. A claim about
 * something the record cannot show (a manual check, a reasoning step) is for the LLM judge.
 */
export const falseCompletion: Detector = {
  name: NAME,
  stepTypes: ['message', 'end'],
  detect({ window, step }: DetectorInput): readonly Finding[] {
    if (step.type === 'message' && step.role === 'assistant') {
      const text = step.text.slice(0, 4000);
      if (!CLAIM_WORD.test(text)) return NO_FINDINGS;
      const claimsTests = CLAIMS_TESTS_PASS.test(text);
      const claimsDone = CLAIMS_DONE.test(text);
      if ((!claimsTests && !claimsDone) || HEDGED.test(text)) return NO_FINDINGS;
      const last = window.lastTest;
      if (last?.failed) {
        return [
          finding(
            'claim:tests-failed',
            last.seq,
            step.seq,
            `claimed success, but the last test run (step ${last.seq}) failed`,
            0.85,
          ),
        ];
      }
      if (claimsTests && !last && !window.partial) {
        return [
          finding(
            'claim:no-tests',
            step.seq,
            step.seq,
            'said the tests pass, but no test was run in this session',
            0.75,
          ),
        ];
      }
      return NO_FINDINGS;
    }
    if (step.type === 'end') {
      const ledger = window.ledger;
      if (window.partial) return NO_FINDINGS;
      if (!ledger?.asksForChange || ledger.paths.length === 0 || window.edited.size > 0)
        return NO_FINDINGS;
      if (/\b(fail|failed|error|abort|cancel|gave up|blocked)/i.test(step.text)) return NO_FINDINGS;
      return [
        finding(
          'claim:deliverable-untouched',
          Math.max(0, window.taskSeq),
          step.seq,
          `ended without changing any of the files the task named (${ledger.paths.slice(0, 3).join(', ')})`,
          0.7,
        ),
      ];
    }
    return NO_FINDINGS;
  },
};
