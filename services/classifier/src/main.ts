import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import { warmUpDetectors } from '@wink/detectors';
import { bootstrapService, LATENCY_CRITICAL_CONSUMER } from '@wink/platform';
import { ClassifierModule } from './app.module.js';
import { loadClassifierConfig } from './config.js';

const config = loadClassifierConfig();
await bootstrapService({
  service: 'classifier',
  module: ClassifierModule.forRoot(config),
  host: config.HOST,
  port: config.CLASSIFIER_PORT,
  logLevel: config.LOG_LEVEL,
  consume: {
    groupId: CONSUMER_GROUPS.classifier,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    ...LATENCY_CRITICAL_CONSUMER,
  },
  warmUp: { produces: [TOPICS.verdicts], run: () => warmUpDetectors() },
});
