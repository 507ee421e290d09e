import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const RecorderEnv = BaseEnv.extend({
  RECORDER_PORT: z.coerce.number().int().positive().default(3003),
  /** How often the daily misbehaviour rates of the tenant-days written since are recomputed. */
  ROLLUP_REFRESH_MS: z.coerce.number().int().positive().default(1000),
});
export type RecorderConfig = z.infer<typeof RecorderEnv>;

export const loadRecorderConfig = (env = process.env) => loadConfig(RecorderEnv, env);
