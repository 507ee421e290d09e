import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const InterventionEnv = BaseEnv.extend({
  INTERVENTION_PORT: z.coerce.number().int().positive().default(3002),
  /** No second guidance for the same session, subtype and signature within this time. */
  GUIDANCE_COOLDOWN_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(5 * 60_000),
  /** Longest a long-poll for guidance may wait. */
  GUIDANCE_MAX_WAIT_MS: z.coerce.number().int().positive().default(30_000),
});
export type InterventionConfig = z.infer<typeof InterventionEnv>;

export const loadInterventionConfig = (env = process.env) => loadConfig(InterventionEnv, env);
