import type { Category, Subtype } from '@wink/contracts';
import type { CompletedAction, SessionWindow } from './session-window.js';
import type { DetectorThresholds } from './thresholds.js';

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
}

export interface DetectorInput {
  window: Readonly<SessionWindow>;
  step: CompletedAction;
  thresholds: DetectorThresholds;
}

/** A pure, deterministic function of the window and the step just completed. */
export interface Detector {
  name: string;
  detect(input: DetectorInput): Finding[];
}
