import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

export const ClassifierEnv = BaseEnv.extend({
  CLASSIFIER_PORT: z.coerce.number().int().positive().default(3001),
  /** Recent tool calls kept per session for the detectors (runs are counted, not kept). */
  CLASSIFIER_WINDOW: z.coerce.number().int().min(6).max(1024).default(8),
  /** Sessions held in memory; the least recently active is evicted and rebuilt from Postgres. */
  CLASSIFIER_MAX_SESSIONS: z.coerce.number().int().positive().default(50_000),
  /** Longest a window rebuild waits for the recorder to have written the events it needs. */
  CLASSIFIER_HISTORY_WAIT_MS: z.coerce.number().int().nonnegative().default(10_000),
  /** A tenant's share of them: beyond it, its own least recently active session is evicted. */
  CLASSIFIER_MAX_SESSIONS_PER_TENANT: z.coerce.number().int().positive().default(5_000),
  /** The LLM judge: off unless enabled; the rule detectors never need it. */
  JUDGE_ENABLED: flag,
  JUDGE_BASE_URL: z.string().url().optional(),
  JUDGE_API_KEY: z.string().default('none'),
  JUDGE_MODEL: z.string().default('gpt-4o-mini'),
  /** A second model to confirm a violation; the same model asked again when unset. */
  JUDGE_CONFIRM_MODEL: z.string().min(1).optional(),
  JUDGE_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  JUDGE_MAX_RETRIES: z.coerce.number().int().nonnegative().default(2),
  JUDGE_CONCURRENCY_PER_TENANT: z.coerce.number().int().positive().default(2),
  JUDGE_WINDOW_TOKENS: z.coerce.number().int().positive().default(2000),
  JUDGE_DAILY_TOKENS_PER_TENANT: z.coerce.number().int().positive().default(2_000_000),
  /** A judge answer about a step the session has gone this far past is dropped. */
  JUDGE_STALE_STEPS: z.coerce.number().int().positive().default(30),
}).refine((c) => !c.JUDGE_ENABLED || c.JUDGE_BASE_URL, {
  message: 'is required when JUDGE_ENABLED is true',
  path: ['JUDGE_BASE_URL'],
});
export type ClassifierConfig = z.infer<typeof ClassifierEnv>;

export const loadClassifierConfig = (env = process.env) => loadConfig(ClassifierEnv, env);
