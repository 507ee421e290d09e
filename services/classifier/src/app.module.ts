import { Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  HEALTH_CHECKS,
  type HealthCheck,
  HealthController,
  KAFKA,
  kafkaCheck,
  postgresCheck,
  serviceModules,
} from '@wink/platform';
import { ClassifierService } from './classification/classifier.service.js';
import { EventsConsumer } from './classification/events.consumer.js';
import { JudgeScheduler } from './classification/judge-scheduler.js';
import { TenantRules } from './classification/tenant-rules.js';
import { WindowHistory } from './classification/window-history.js';
import { RecorderProgress } from './classification/recorder-progress.js';
import type { ClassifierConfig } from './config.js';
import { CLASSIFIER_CONFIG } from './tokens.js';

@Module({})
export class ClassifierModule {
  static forRoot(config: ClassifierConfig): DynamicModule {
    return {
      module: ClassifierModule,
      imports: serviceModules({
        databaseUrl: config.DATABASE_URL,
        kafka: { brokers: config.KAFKA_BROKERS, clientId: 'wink-classifier' },
        poolSize: 4,
        standardHealth: false,
      }),
      controllers: [EventsConsumer, HealthController],
      providers: [
        { provide: CLASSIFIER_CONFIG, useValue: config },
        ClassifierService,
        WindowHistory,
        RecorderProgress,
        TenantRules,
        JudgeScheduler,
        {
          provide: HEALTH_CHECKS,
          useFactory: (db: DataSource, kafka: Kafka, judge: JudgeScheduler): HealthCheck[] => [
            postgresCheck(db),
            kafkaCheck(kafka),
            { name: 'judge', critical: false, check: async () => judge.status !== 'degraded' },
          ],
          inject: [DataSource, KAFKA, JudgeScheduler],
        },
      ],
    };
  }
}
