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
import type { RecorderConfig } from './config.js';
import { HistoryConsumer } from './recording/history.consumer.js';
import { HistoryWriter } from './recording/history-writer.js';

@Module({})
export class RecorderModule {
  static forRoot(config: RecorderConfig): DynamicModule {
    return {
      module: RecorderModule,
      imports: [
        DatabaseModule.forRoot(config.DATABASE_URL),
        KafkaModule.forRoot(config.KAFKA_BROKERS, 'wink-recorder'),
        HealthModule.register({
          useFactory: (db: DataSource, kafka: Kafka) => [postgresCheck(db), kafkaCheck(kafka)],
          inject: [DataSource, KAFKA],
        }),
        MetricsModule,
      ],
      controllers: [HistoryConsumer],
      providers: [HistoryWriter],
    };
  }
}
