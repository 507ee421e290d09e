import { z } from 'zod';
import { CATEGORIES, SUBTYPES, categoryOf } from './taxonomy.js';
import { MAX_SEQ } from './trajectory-event.js';

const labelledBy = z.string().trim().min(1).max(128);
const note = z.string().max(2000).optional();

/** Body of POST /v1/verdicts/{verdictId}/labels: a person's judgement of one verdict. */
export const VerdictLabelRequest = z
  .strictObject({
    judgement: z.enum(['true_positive', 'false_positive']),
    /** For a false positive: the misbehaviour that was really there, if any (its category follows). */
    subtype: z.enum(SUBTYPES).optional(),
    note,
    labelledBy,
  })
  .refine((l) => l.judgement === 'false_positive' || l.subtype === undefined, {
    path: ['subtype'],
    message: "a true positive keeps the verdict's subtype; give one only for a false positive",
  });
export type VerdictLabelRequest = z.infer<typeof VerdictLabelRequest>;

/**
 * Body of POST /v1/sessions/{sessionId}/labels: a person's judgement of a whole session —
 * `misbehaved` with the category (and subtype, and step) seen, or `clean`.
 */
export const SessionLabelRequest = z
  .strictObject({
    judgement: z.enum(['misbehaved', 'clean']),
    category: z.enum(CATEGORIES).optional(),
    subtype: z.enum(SUBTYPES).optional(),
    step: z.number().int().nonnegative().max(MAX_SEQ).optional(),
    note,
    labelledBy,
  })
  .superRefine((l, ctx) => {
    if (l.judgement === 'misbehaved' && !l.category && !l.subtype) {
      ctx.addIssue({
        code: 'custom',
        path: ['category'],
        message: 'a misbehaved session needs its category or subtype',
      });
    }
    if (l.judgement === 'clean' && (l.category || l.subtype || l.step !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['judgement'],
        message: 'a clean session takes no category, subtype or step',
      });
    }
    if (l.category && l.subtype && categoryOf(l.subtype) !== l.category) {
      ctx.addIssue({
        code: 'custom',
        path: ['subtype'],
        message: `${l.subtype} is not a subtype of ${l.category}`,
      });
    }
  });
export type SessionLabelRequest = z.infer<typeof SessionLabelRequest>;

/** One row of GET /v1/labels/precision: a detector's precision on the verdicts people labelled. */
export interface DetectorPrecision {
  detector: string;
  subtype: string;
  labelled: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
}
