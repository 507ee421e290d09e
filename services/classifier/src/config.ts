import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const ClassifierEnv = BaseEnv.extend({
  CLASSIFIER_PORT: z.coerce.number().int().positive().default(3001),
  /** Recent tool calls kept per session for the detectors (runs are counted, not kept). */
  CLASSIFIER_WINDOW: z.coerce.number().int().min(6).max(1024).default(8),
  /** Sessions held in memory; the least recently active is evicted and rebuilt from Postgres. */
  CLASSIFIER_MAX_SESSIONS: z.coerce.number().int().positive().default(50_000),
});
export type ClassifierConfig = z.infer<typeof ClassifierEnv>;

export const loadClassifierConfig = (env = process.env) => loadConfig(ClassifierEnv, env);
