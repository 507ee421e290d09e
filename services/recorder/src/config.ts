import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const RecorderEnv = BaseEnv.extend({
  RECORDER_PORT: z.coerce.number().int().positive().default(3003),
});
export type RecorderConfig = z.infer<typeof RecorderEnv>;

export const loadRecorderConfig = (env = process.env) => loadConfig(RecorderEnv, env);
