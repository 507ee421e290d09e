import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const InterventionEnv = BaseEnv.extend({
  INTERVENTION_PORT: z.coerce.number().int().positive().default(3002),
  /** After delivery, how long before the same misbehaviour may be answered again (per tenant overridable). */
  GUIDANCE_COOLDOWN_MS: z.coerce.number().int().nonnegative().default(30_000),
  GUIDANCE_MAX_PER_SESSION: z.coerce.number().int().positive().default(20),
  /** A verdict this many steps behind its session is stale and dropped. */
  GUIDANCE_STALE_STEPS: z.coerce.number().int().positive().default(50),
  /** Steps after delivery without recurrence that make an intervention resolved. */
  OUTCOME_STEPS: z.coerce.number().int().positive().default(10),
  OUTCOME_SWEEP_MS: z.coerce.number().int().positive().default(2000),
  /** Longest a long-poll for guidance may wait. */
  GUIDANCE_MAX_WAIT_MS: z.coerce.number().int().positive().default(30_000),
  /** Open long-polls and streams a tenant may hold on one instance; more get 429. */
  GUIDANCE_MAX_POLLS_PER_TENANT: z.coerce.number().int().positive().default(200),
  GUIDANCE_MAX_STREAMS_PER_TENANT: z.coerce.number().int().positive().default(200),
  /** Safety re-check of a waiting connection, should a notification be lost; normally NOTIFY wakes it. */
  GUIDANCE_RECHECK_MS: z.coerce.number().int().positive().default(30_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().positive().default(6),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().positive().default(1000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().positive().max(86_400_000).default(300_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Deliveries in flight per tenant (per instance): a slow endpoint delays only its tenant. */
  WEBHOOK_TENANT_CONCURRENCY: z.coerce.number().int().positive().default(4),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(64),
});
export type InterventionConfig = z.infer<typeof InterventionEnv>;

export const loadInterventionConfig = (env = process.env) => loadConfig(InterventionEnv, env);
