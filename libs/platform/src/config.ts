import { z } from 'zod';
import { KAFKA_NAME_PREFIX } from '@wink/kafka';

const kafkaPrefix = z
  .string()
  .regex(KAFKA_NAME_PREFIX, "only letters, digits, '.', '_' and '-'")
  .default('');

const brokers = z
  .string()
  .min(1)
  .transform((v) =>
    v
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  );

/** Variables every service reads; each service extends this with its own. */
export const BaseEnv = z.object({
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/wink'),
  KAFKA_BROKERS: brokers.default(['127.0.0.1:9092']),
  /** Run prefixes for topic and consumer-group names (tests, benchmarks); empty in production. */
  WINK_TOPIC_PREFIX: kafkaPrefix,
  WINK_GROUP_PREFIX: kafkaPrefix,
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  HOST: z.string().default('127.0.0.1'),
});

/**
 * Every service's Postgres pool: its size, the connections it keeps open however long idle (at
 * most its size; by default the intervention's whole pool, which its warm-up prepares, and none
 * of the others') and the longest a statement may run.
 */
export const DatabaseEnv = z.object({
  DB_POOL_SIZE: z.coerce.number().int().positive().optional(),
  DB_POOL_KEEP_OPEN: z.coerce.number().int().nonnegative().optional(),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(30_000),
});

export class ConfigError extends Error {}

/**
 * Validates the environment once at boot. Fails fast naming every missing or invalid variable.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}
