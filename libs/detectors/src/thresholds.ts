/** Defaults a tenant can override. */
export interface DetectorThresholds {
  /** Identical action with an identical result this many times in a row is a loop. */
  identicalRepeats: number;
  /** Identical action failing this many times in a row is a loop. */
  failingRepeats: number;
  /** For waiting and polling commands, the repeats that count as a loop. */
  pollingRepeats: number;
}

export const DEFAULT_THRESHOLDS: DetectorThresholds = {
  identicalRepeats: 4,
  failingRepeats: 3,
  pollingRepeats: 30,
};
