import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyGuard, serviceModules } from '@wink/platform';
import type { InterventionConfig } from './config.js';
import { GuidanceClaims } from './guidance/guidance-claims.js';
import { GuidancePublisher } from './guidance/guidance-publisher.js';
import { GuidanceNotifier } from './guidance/guidance-notifier.js';
import { GuidanceController } from './guidance/guidance.controller.js';
import { GuidanceRepository } from './guidance/guidance.repository.js';
import { InterventionService } from './guidance/intervention.service.js';
import { OutcomeSweeper } from './guidance/outcome-sweeper.js';
import { OutcomesController } from './guidance/outcomes.controller.js';
import { VerdictsConsumer } from './guidance/verdicts.consumer.js';
import { WebhookDeliveriesRepository } from './guidance/webhook-deliveries.repository.js';
import { WebhookDispatcher } from './guidance/webhook-dispatcher.js';
import { TenantExperiments } from './policy/tenant-experiments.js';
import { TenantPolicies } from './policy/tenant-policies.js';
import { INTERVENTION_CONFIG } from './tokens.js';

@Module({})
export class InterventionModule {
  static forRoot(config: InterventionConfig): DynamicModule {
    return {
      module: InterventionModule,
      imports: serviceModules({
        databaseUrl: config.DATABASE_URL,
        kafka: { brokers: config.KAFKA_BROKERS, clientId: 'wink-intervention' },
        keepPoolOpen: true,
      }),
      controllers: [VerdictsConsumer, GuidanceController, OutcomesController],
      providers: [
        { provide: INTERVENTION_CONFIG, useValue: config },
        ApiKeyGuard,
        GuidanceRepository,
        GuidanceClaims,
        GuidancePublisher,
        GuidanceNotifier,
        InterventionService,
        TenantPolicies,
        TenantExperiments,
        WebhookDeliveriesRepository,
        WebhookDispatcher,
        OutcomeSweeper,
      ],
    };
  }
}
