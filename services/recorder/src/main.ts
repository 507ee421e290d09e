import { CONSUMER_GROUPS } from '@wink/contracts';
import { bootstrapService } from '@wink/platform';
import { RecorderModule } from './app.module.js';
import { loadRecorderConfig } from './config.js';

const config = loadRecorderConfig();
await bootstrapService({
  service: 'recorder',
  module: RecorderModule.forRoot(config),
  host: config.HOST,
  port: config.RECORDER_PORT,
  logLevel: config.LOG_LEVEL,
  consume: {
    groupId: CONSUMER_GROUPS.recorder,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    fetchMaxWaitMs: config.RECORDER_FETCH_MAX_WAIT_MS,
    fetchMinBytes: config.RECORDER_FETCH_MIN_BYTES,
    // A few commits a second rather than one per partition's batch: a classifier rebuilding a
    // window waits on these offsets, and polls them only every 100 ms anyway.
    commitIntervalMs: 200,
  },
});
