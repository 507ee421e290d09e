/**
 * A result that is not content but the host's verdict on the agent's step, telling it to change
 * that step: "The buggy locations is not precise. You may need to check whether the arguments
 * are correct…", "returned too much output. Do not execute this command again", "The fix you
 * passed is empty. Please provide…". Validators, submission checks and guarded tools answer
 * this way while the call itself succeeds. Sending the same step again unchanged ignores the
 * feedback, the way re-running an unchanged failing test does.
 */

/** Longer results are content (a file, a search hit) that may merely quote such words. */
export const REJECTION_MAX = 400;

/** The step was judged wanting: not precise, invalid, empty, too much… */
const JUDGED =
  /\b(?:not|no|invalid|incorrect|imprecise|inaccurate|empty|unknown|missing|cannot|can't|too (?:much|many|long|large|broad|vague))\b/i;
/** …and the agent is told to do something else. */
const DIRECTED =
  /\b(?:you (?:may|might|should|must|need to|have to)\b|please (?:provide|check|verify|revise|correct|refine|fix|specify|make sure|narrow|use)\b|(?:do not|don't) (?:execute|run|call|use|try|repeat|send|submit)\b|there is no need to\b)/i;
/** A request to retry or wait is obeyed by sending the same step again. */
const RETRY =
  /\b(?:try again|retry|retrying|later|wait|rate.?limit|not (?:yet|ready)|still (?:running|pending)|in progress)/i;

/** Every pattern above, for the regex-safety check. */
export const REJECTION_PATTERNS = [JUDGED, DIRECTED, RETRY];

/** Whether a succeeding call's result rejects the step and asks the agent to change it. */
export function rejectsStep(output: string, error: string): boolean {
  if (output.length + error.length > REJECTION_MAX) return false;
  const text = error ? `${error}\n${output}` : output;
  return JUDGED.test(text) && DIRECTED.test(text) && !RETRY.test(text);
}

/** The rejection for a reason: one line, short. */
export function rejectionLabel(output: string, error: string): string {
  const text = (error ? `${error} ${output}` : output).replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
