import type { DynamicModule, Type } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DatabaseModule } from './database.module.js';
import { HealthModule, kafkaCheck, postgresCheck } from './health.js';
import { KAFKA, KafkaModule } from './kafka.module.js';
import { MetricsModule } from './metrics.js';

export interface ServiceModulesOptions {
  databaseUrl: string;
  brokers: string[];
  clientId: string;
  poolSize?: number;
  /** GET /health over Postgres and Kafka; false when the service registers its own checks. */
  standardHealth?: boolean;
}

/** What every service imports: Postgres, its Kafka client and producer, health and metrics. */
export function serviceModules(o: ServiceModulesOptions): Array<DynamicModule | Type<unknown>> {
  return [
    DatabaseModule.forRoot(o.databaseUrl, o.poolSize),
    KafkaModule.forRoot(o.brokers, o.clientId),
    ...(o.standardHealth === false
      ? []
      : [
          HealthModule.register({
            useFactory: (db: DataSource, kafka: Kafka) => [postgresCheck(db), kafkaCheck(kafka)],
            inject: [DataSource, KAFKA],
          }),
        ]),
    MetricsModule,
  ];
}
