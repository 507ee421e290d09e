import { z } from 'zod';
import { BaseEnv, loadConfig } from '@wink/platform';

export const RecorderEnv = BaseEnv.extend({
  RECORDER_PORT: z.coerce.number().int().positive().default(3003),
  /** How often the daily misbehaviour rates of the tenant-days written since are recomputed. */
  ROLLUP_REFRESH_MS: z.coerce.number().int().positive().default(1000),
  /** Events are kept this many days after their time (labelled sessions' for good). */
  RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** Day partitions of the events table created this many days ahead. */
  PARTITIONS_AHEAD_DAYS: z.coerce.number().int().min(1).default(7),
  /** How often the events table's partitions are created ahead and the expired ones dropped. */
  RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
  /**
   * How long the broker may hold the recorder's fetch until it has RECORDER_FETCH_MIN_BYTES:
   * fewer, larger batches, fewer fetches and transactions per event, at that much added delay
   * (a classifier rebuilding a window waits for the recorder's offset).
   */
  RECORDER_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(50),
  RECORDER_FETCH_MIN_BYTES: z.coerce.number().int().positive().default(1_048_576),
});
export type RecorderConfig = z.infer<typeof RecorderEnv>;

export const loadRecorderConfig = (env = process.env) => loadConfig(RecorderEnv, env);
