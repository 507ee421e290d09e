import type { Severity, Subtype, VerdictV1 } from '@wink/contracts';
import { quoteAsData } from './quoted-evidence.js';

/**
 * The one next move that helps, per subtype. Only Wink's own words and the step range go into
 * this sentence; what the session produced is quoted after it, as data.
 */
const ADVICE: Record<Subtype, (steps: string) => string> = {
  repetitive_loop: (steps) =>
    `You are repeating the same step (${steps}). Repeating it will not change the outcome: read the error, change the approach, or say what is blocking you.`,
  no_progress: (steps) =>
    `Your recent steps are not moving the task forward (${steps}). Step back, state what you have learned, and try a different approach.`,
  false_completion: (steps) =>
    `The record does not support the success you reported (${steps}). Run the check that proves it, or say plainly what is still failing.`,
  runaway_usage: (steps) =>
    `This session is spending far more than its progress warrants (${steps}). Narrow the scope of what you read and retry, or stop and summarise.`,
  did_not_follow_instructions: (steps) =>
    `This looks like it breaks an instruction in the task (${steps}). Re-read the task's constraints and undo or adjust the step if it does.`,
  unrequested_changes: (steps) =>
    `This change seems to be outside what the task asked for (${steps}). Keep to the requested scope, and revert unrelated edits unless the user asked for them.`,
  destructive_action: (steps) =>
    `An irreversible operation was attempted that the task did not ask for (${steps}). Do not repeat it; ask a person to confirm before any destructive step.`,
  malformed_arguments: (steps) =>
    `A tool call had arguments the tool cannot accept (${steps}). Check the tool's parameters and their types before calling it again.`,
  nonexistent_resource: (steps) =>
    `Something this session relied on does not exist (${steps}). Check what exists first (list the directory, search for the name, or check the installed tools) instead of guessing.`,
  repeated_tool_error: (steps) =>
    `The same tool call keeps failing the same way (${steps}). Change the call or the approach; retrying unchanged will fail again.`,
};

export function stepRange(fromSeq: number, toSeq: number): string {
  return fromSeq === toSeq ? `step ${fromSeq}` : `steps ${fromSeq}–${toSeq}`;
}

/**
 * Guidance text for a verdict: Wink's observation and one next move, then the evidence (the
 * detector's or the judge's reason, which quotes the agent's own output) fenced off as data.
 * Framed as an observation from a monitor, so the model reads it as advice, not as a new task.
 */
export function renderGuidance(
  verdict: Pick<VerdictV1, 'subtype' | 'evidence'> & { severity?: Severity },
): string {
  const { fromSeq, toSeq, reason } = verdict.evidence;
  const advice = ADVICE[verdict.subtype](stepRange(fromSeq, toSeq));
  return `${PREFIX[verdict.severity ?? 'nudge']} ${advice}\n${quoteAsData(reason)}`;
}

/** How the text opens at each step of the ladder; a halt asks the agent to stop and ask a person. */
const PREFIX: Record<Severity, string> = {
  nudge: '[Wink, a monitor watching this session, suggests]',
  warn: '[Wink, a monitor watching this session, warns: this happened again after an earlier note]',
  halt: '[Wink, a monitor watching this session: stop here and ask a person before continuing]',
};
