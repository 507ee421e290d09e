import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import { bootstrapService, LATENCY_CRITICAL_CONSUMER } from '@wink/platform';
import { InterventionModule } from './app.module.js';
import { GuidanceRepository } from './guidance/guidance.repository.js';
import { loadInterventionConfig } from './config.js';

const config = loadInterventionConfig();
await bootstrapService({
  service: 'intervention',
  module: InterventionModule.forRoot(config),
  host: config.HOST,
  port: config.INTERVENTION_PORT,
  logLevel: config.LOG_LEVEL,
  consume: {
    groupId: CONSUMER_GROUPS.intervention,
    sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
    ...LATENCY_CRITICAL_CONSUMER,
  },
  warmUp: {
    produces: [TOPICS.guidance],
    run: (app) => app.get(GuidanceRepository).warm(),
  },
});
