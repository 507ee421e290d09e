import { NO_FINDINGS, type Detector, type DetectorInput, type Finding } from '../finding.js';

const NAME = 'rules/nonexistent-resource@2';

/**
 * tool_call_failure/nonexistent_resource: a call failed because what it used is not there
 * (`No such file or directory`, exit code 127, `command not found`, `ModuleNotFoundError`, 404,
 * "X not found") and the agent either made the name up — it appeared nowhere in the task, the
 * user's messages or earlier tool output — or looked the same thing up again after it had failed.
 * A single miss on a name the context gave (an id the customer typed, a file the task named) is
 * the tool answering, not the agent misbehaving, and stays quiet.
 */
export const nonexistentResource: Detector = {
  name: NAME,
  stepTypes: ['result'],
  detect({ step, window }: DetectorInput): readonly Finding[] {
    if (step.type !== 'result') return NO_FINDINGS;
    const missing = window.lookups.latest;
    if (!missing || missing.resultSeq !== step.seq) return NO_FINDINGS;
    if (!missing.repeated && (!missing.invented || window.partial)) return NO_FINDINGS;
    const a = step.action;
    const named = missing.resource || missing.key;
    const what = named ? `${missing.kind} \`${named}\`` : `a ${missing.kind}`;
    const why = missing.repeated
      ? `, and the same lookup had already failed`
      : missing.key
        ? `; nothing earlier in the session named \`${missing.key}\``
        : '';
    return [
      {
        category: 'tool_call_failure',
        subtype: 'nonexistent_resource',
        confidence: missing.resource ? 0.9 : 0.75,
        signature: `missing:${missing.kind}:${missing.resource || a.actionFp}`,
        fromSeq: a.callSeq,
        toSeq: a.resultSeq,
        reason: `\`${a.summary}\` failed because ${what} does not exist${why}`,
        detector: NAME,
      },
    ];
  },
};
