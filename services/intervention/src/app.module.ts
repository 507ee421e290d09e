import { Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  ApiKeyGuard,
  DatabaseModule,
  HealthModule,
  KAFKA,
  KafkaModule,
  kafkaCheck,
  MetricsModule,
  postgresCheck,
} from '@wink/platform';
import type { InterventionConfig } from './config.js';
import { GuidanceNotifier } from './guidance/guidance-notifier.js';
import { GuidanceController } from './guidance/guidance.controller.js';
import { GuidanceRepository } from './guidance/guidance.repository.js';
import { InterventionService } from './guidance/intervention.service.js';
import { OutcomeSweeper } from './guidance/outcome-sweeper.js';
import { OutcomesController } from './guidance/outcomes.controller.js';
import { VerdictsConsumer } from './guidance/verdicts.consumer.js';
import { WebhookDispatcher } from './guidance/webhook-dispatcher.js';
import { TenantPolicies } from './policy/tenant-policies.js';
import { INTERVENTION_CONFIG } from './tokens.js';

@Module({})
export class InterventionModule {
  static forRoot(config: InterventionConfig): DynamicModule {
    return {
      module: InterventionModule,
      imports: [
        DatabaseModule.forRoot(config.DATABASE_URL),
        KafkaModule.forRoot(config.KAFKA_BROKERS, 'wink-intervention'),
        HealthModule.register({
          useFactory: (db: DataSource, kafka: Kafka) => [postgresCheck(db), kafkaCheck(kafka)],
          inject: [DataSource, KAFKA],
        }),
        MetricsModule,
      ],
      controllers: [VerdictsConsumer, GuidanceController, OutcomesController],
      providers: [
        { provide: INTERVENTION_CONFIG, useValue: config },
        ApiKeyGuard,
        GuidanceRepository,
        GuidanceNotifier,
        InterventionService,
        TenantPolicies,
        WebhookDispatcher,
        OutcomeSweeper,
      ],
    };
  }
}
