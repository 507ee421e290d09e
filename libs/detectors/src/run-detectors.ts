import type { TrajectoryEvent } from '@wink/contracts';
import type { Detector, Finding } from './finding.js';
import { nonexistentResource } from './rules/nonexistent-resource.js';
import { repetitiveLoop } from './rules/repetitive-loop.js';
import type { SessionWindow } from './session-window.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds } from './thresholds.js';

export const DETECTORS: readonly Detector[] = [repetitiveLoop, nonexistentResource];

/** Adds the event to the session's window and returns what every detector finds at this step. */
export function observe(
  window: SessionWindow,
  event: TrajectoryEvent,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
  detectors: readonly Detector[] = DETECTORS,
): Finding[] {
  const step = window.push(event);
  if (!step) return [];
  return detectors.flatMap((d) => d.detect({ window, step, thresholds }));
}
