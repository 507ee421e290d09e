import { Module, type DynamicModule } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import {
  DatabaseModule,
  HealthModule,
  KAFKA,
  KafkaModule,
  kafkaCheck,
  MetricsModule,
  postgresCheck,
} from '@wink/platform';
import { ClassifierService } from './classification/classifier.service.js';
import { EventsConsumer } from './classification/events.consumer.js';
import { TenantRules } from './classification/tenant-rules.js';
import { WindowHistory } from './classification/window-history.js';
import type { ClassifierConfig } from './config.js';
import { CLASSIFIER_CONFIG } from './tokens.js';

@Module({})
export class ClassifierModule {
  static forRoot(config: ClassifierConfig): DynamicModule {
    return {
      module: ClassifierModule,
      imports: [
        DatabaseModule.forRoot(config.DATABASE_URL, 4),
        KafkaModule.forRoot(config.KAFKA_BROKERS, 'wink-classifier'),
        HealthModule.register({
          useFactory: (db: DataSource, kafka: Kafka) => [postgresCheck(db), kafkaCheck(kafka)],
          inject: [DataSource, KAFKA],
        }),
        MetricsModule,
      ],
      controllers: [EventsConsumer],
      providers: [
        { provide: CLASSIFIER_CONFIG, useValue: config },
        ClassifierService,
        WindowHistory,
        TenantRules,
      ],
    };
  }
}
