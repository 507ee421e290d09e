import { clip, type Category, type Subtype } from '@wink/contracts';
import type { SessionWindow, Step, StepType } from './session-window.js';
import type { DetectorThresholds } from './thresholds.js';
import type { ToolSchemas } from './tool-schemas.js';

/** What a detector reports; the classifier turns it into a Verdict. */
export interface Finding {
  category: Category;
  subtype: Subtype;
  confidence: number;
  /** Identifies this misbehaviour, so a recurrence of it can be recognised later. */
  signature: string;
  fromSeq: number;
  toSeq: number;
  reason: string;
  detector: string;
  /** The steps (call seqs) that form the pattern, oldest first, when it spans several. */
  steps?: number[];
}

/** What the verdict contract holds of a reason. */
export const REASON_MAX = 500;

/** A reason clipped to the verdict contract, on a character boundary. */
export function clipReason(reason: string): string {
  return reason.length > REASON_MAX ? `${clip(reason, REASON_MAX - 1)}…` : reason;
}

export interface DetectorInput {
  /** The session's state, already updated with `step`. */
  window: Readonly<SessionWindow>;
  step: Step;
  thresholds: DetectorThresholds;
  /** JSON schemas the host registered for its tools, if any. */
  tools?: ToolSchemas;
}

/** What a detector returns when it finds nothing: one shared empty list, not a new one an event. */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** A pure, deterministic function of the window and the step just taken. */
export interface Detector {
  name: string;
  /** The types of step it can find something at: it is asked about no others. */
  stepTypes: readonly StepType[];
  detect(input: DetectorInput): readonly Finding[];
}

/** Whether a run of `length` repeats has just reached `threshold` or another multiple of it. */
export function reaches(length: number, threshold: number): boolean {
  return length >= threshold && length % threshold === 0;
}

/** A rule's finding builder: the category, subtype and detector fixed, the rest per finding. */
export function findingsOf(category: Category, subtype: Subtype, detector: string) {
  return (
    signature: string,
    fromSeq: number,
    toSeq: number,
    reason: string,
    confidence: number,
    steps?: number[],
  ): Finding => ({
    category,
    subtype,
    confidence,
    signature: clip(signature, 200),
    fromSeq,
    toSeq,
    reason: clipReason(reason),
    detector,
    ...(steps ? { steps } : {}),
  });
}
