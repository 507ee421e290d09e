import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const IngestEnv = BaseEnv.extend({
  INGEST_PORT: z.coerce.number().int().positive().default(3000),
  INGEST_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Events per second a tenant may send (per ingest instance), and the burst allowed. */
  INGEST_RATE_EVENTS_PER_SEC: z.coerce.number().int().positive().default(20_000),
  INGEST_RATE_BURST: z.coerce.number().int().positive().default(40_000),
});
export type IngestConfig = z.infer<typeof IngestEnv>;

export const loadIngestConfig = (env = process.env) => loadConfig(IngestEnv, env);
