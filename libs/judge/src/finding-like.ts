import type { Subtype } from '@wink/contracts';

/** The part of a rule finding the judge looks at (kept here so the judge needs no detectors). */
export interface Finding {
  subtype: Subtype;
  confidence: number;
}
