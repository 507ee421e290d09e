import { z } from 'zod';
import { CATEGORIES, SUBTYPES } from './taxonomy.js';
import { ClientId } from './trajectory-event.js';

const DAY_MS = 86_400_000;
const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/**
 * The query of an analytics endpoint that takes only a range: `from` / `to` (ISO 8601), by
 * default the 30 days up to now. Any other parameter is refused.
 */
export const TimeRange = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .transform(({ from, to }) => {
    const end = to ?? new Date();
    return { from: from ?? new Date(end.getTime() - 30 * DAY_MS), to: end };
  })
  .refine((r) => r.from < r.to, { path: ['from'], message: 'must be before to' });
export type TimeRange = z.output<typeof TimeRange>;

export const RATE_GROUPINGS = ['category', 'subtype', 'agent', 'model', 'day'] as const;

/** Query of GET /v1/analytics/misbehaviour-rate. */
export const MisbehaviourRateQuery = z.strictObject({
  from: z.string().optional(),
  to: z.string().optional(),
  groupBy: z.enum(RATE_GROUPINGS).default('category'),
  category: z.enum(CATEGORIES).optional(),
  subtype: z.enum(SUBTYPES).optional(),
  agent: z.string().min(1).max(128).optional(),
  model: z.string().min(1).max(128).optional(),
});
export type MisbehaviourRateQuery = z.infer<typeof MisbehaviourRateQuery>;

/** Query of GET /v1/sessions: the most recently active sessions. */
export const RecentSessionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(20),
  flagged: z.enum(['true', 'false']).optional(),
});

export const SessionIdParam = z.object({ sessionId: ClientId });
export const VerdictIdParam = z.object({ verdictId: z.uuid() });
export const ExperimentIdParam = z.object({ experimentId: z.uuid() });
