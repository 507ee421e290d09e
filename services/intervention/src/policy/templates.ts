import type { Severity, Subtype, VerdictV1 } from '@wink/contracts';

type Template = (steps: string, reason: string) => string;

/** The one next move that helps, per subtype. */
const ADVICE: Record<Subtype, Template> = {
  repetitive_loop: (steps, reason) =>
    `You ${reason} (${steps}). Repeating it will not change the outcome: read the error, change the approach, or say what is blocking you.`,
  no_progress: (steps, reason) =>
    `Your recent steps are not moving the task forward: ${reason} (${steps}). Step back, state what you have learned, and try a different approach.`,
  false_completion: (steps, reason) =>
    `The record does not support the success you reported: ${reason} (${steps}). Run the check that proves it, or say plainly what is still failing.`,
  runaway_usage: (steps, reason) =>
    `This session is spending far more than its progress warrants: ${reason} (${steps}). Narrow the scope of what you read and retry, or stop and summarise.`,
  did_not_follow_instructions: (steps, reason) =>
    `This looks like it breaks an instruction in the task: ${reason} (${steps}). Re-read the task's constraints and undo or adjust the step if it does.`,
  unrequested_changes: (steps, reason) =>
    `This change seems to be outside what the task asked for: ${reason} (${steps}). Keep to the requested scope, and revert unrelated edits unless the user asked for them.`,
  destructive_action: (steps, reason) =>
    `An irreversible operation was attempted that the task did not ask for: ${reason} (${steps}). Do not repeat it; ask a person to confirm before any destructive step.`,
  malformed_arguments: (steps, reason) =>
    `A tool call had arguments the tool cannot accept: ${reason} (${steps}). Check the tool's parameters and their types before calling it again.`,
  nonexistent_resource: (steps, reason) =>
    `${capitalise(reason)} (${steps}). Check what exists first (list the directory, search for the name, or check the installed tools) instead of guessing.`,
  repeated_tool_error: (steps, reason) =>
    `The same tool call keeps failing the same way: ${reason} (${steps}). Change the call or the approach; retrying unchanged will fail again.`,
};

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function stepRange(fromSeq: number, toSeq: number): string {
  return fromSeq === toSeq ? `step ${fromSeq}` : `steps ${fromSeq}–${toSeq}`;
}

/**
 * Guidance text for a verdict: what was seen, with the steps as evidence, and one next move.
 * Framed as an observation from a monitor, so the model reads it as advice, not as a new task.
 */
export function renderGuidance(
  verdict: Pick<VerdictV1, 'subtype' | 'evidence'> & { severity?: Severity },
): string {
  const { fromSeq, toSeq, reason } = verdict.evidence;
  const advice = ADVICE[verdict.subtype](stepRange(fromSeq, toSeq), reason);
  return `${PREFIX[verdict.severity ?? 'nudge']} ${advice}`;
}

/** How the text opens at each step of the ladder; a halt asks the agent to stop and ask a person. */
const PREFIX: Record<Severity, string> = {
  nudge: '[Wink, a monitor watching this session, suggests]',
  warn: '[Wink, a monitor watching this session, warns: this happened again after an earlier note]',
  halt: '[Wink, a monitor watching this session: stop here and ask a person before continuing]',
};
