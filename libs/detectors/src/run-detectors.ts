import type { TrajectoryEvent } from '@wink/contracts';
import type { Detector, Finding } from './finding.js';
import { brokenInstruction } from './rules/broken-instruction.js';
import { destructiveAction } from './rules/destructive-action.js';
import { falseCompletion } from './rules/false-completion.js';
import { malformedArguments } from './rules/malformed-arguments.js';
import { noProgress } from './rules/no-progress.js';
import { nonexistentResource } from './rules/nonexistent-resource.js';
import { repeatedToolError } from './rules/repeated-tool-error.js';
import { repetitiveLoop } from './rules/repetitive-loop.js';
import { runawayUsage } from './rules/runaway-usage.js';
import { unrequestedChanges } from './rules/unrequested-changes.js';
import type { SessionWindow, StepType } from './session-window.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds } from './thresholds.js';
import type { ToolSchemas } from './tool-schemas.js';

/** Every rule detector, one or more per subtype of the taxonomy. */
export const DETECTORS: readonly Detector[] = [
  brokenInstruction,
  unrequestedChanges,
  destructiveAction,
  repetitiveLoop,
  noProgress,
  falseCompletion,
  runawayUsage,
  malformedArguments,
  nonexistentResource,
  repeatedToolError,
];

export interface ObserveOptions {
  thresholds?: DetectorThresholds;
  tools?: ToolSchemas;
}

const DEFAULTS: ObserveOptions = Object.freeze({});

const forStep = (type: StepType) => DETECTORS.filter((d) => d.stepTypes.includes(type));
/** Per type of step, the detectors that can find something at it. */
const DETECTORS_BY_STEP: Record<StepType, readonly Detector[]> = {
  task: forStep('task'),
  call: forStep('call'),
  result: forStep('result'),
  message: forStep('message'),
  usage: forStep('usage'),
  end: forStep('end'),
};

/** Adds the event to the session's window and returns what every detector finds at this step. */
export function observe(
  window: SessionWindow,
  event: TrajectoryEvent,
  options: ObserveOptions = DEFAULTS,
): Finding[] {
  const step = window.push(event);
  if (!step) return [];
  const detectors = DETECTORS_BY_STEP[step.type];
  if (detectors.length === 0) return [];
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const input = { window, step, thresholds, tools: options.tools };
  let findings: Finding[] | null = null;
  for (let i = 0; i < detectors.length; i++) {
    const found = detectors[i].detect(input);
    if (found.length === 0) continue;
    if (findings === null) findings = found.slice();
    else for (const f of found) findings.push(f);
  }
  return findings ?? [];
}
