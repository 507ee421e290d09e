import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const ApiEnv = BaseEnv.omit({
  KAFKA_BROKERS: true,
  KAFKA_SESSION_TIMEOUT_MS: true,
  WINK_TOPIC_PREFIX: true,
  WINK_GROUP_PREFIX: true,
}).extend({
  API_PORT: z.coerce.number().int().positive().default(3004),
});
export type ApiConfig = z.infer<typeof ApiEnv>;

export const loadApiConfig = (env = process.env) => loadConfig(ApiEnv, env);
