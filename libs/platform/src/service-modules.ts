import type { DynamicModule, Type } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DatabaseEnv, loadConfig } from './config.js';
import { DatabaseModule } from './database.module.js';
import { HealthModule, kafkaCheck, postgresCheck } from './health.js';
import { KAFKA, KafkaModule } from './kafka.module.js';
import { MetricsModule } from './metrics.js';
import { WebhookEgressModule } from './webhooks/webhook-egress.js';

export interface ServiceModulesOptions {
  databaseUrl: string;
  /** The service's Kafka client and producer; omit for a service that only reads Postgres. */
  kafka?: { brokers: string[]; clientId: string };
  /** The service's default pool size; DB_POOL_SIZE overrides it. */
  poolSize?: number;
  /**
   * Keep the whole pool open, idle or not, unless DB_POOL_KEEP_OPEN says how many: for a service
   * that warms the connections kept (see `onEachConnection`), whose warmth the pool's closing of
   * idle ones would throw away.
   */
  keepPoolOpen?: boolean;
  /** GET /health over Postgres (and Kafka); false when the service registers its own checks. */
  standardHealth?: boolean;
}

/** What every service imports: Postgres, its Kafka client and producer, health and metrics. */
export function serviceModules(o: ServiceModulesOptions): Array<DynamicModule | Type<unknown>> {
  const kafka = o.kafka;
  const pool = loadConfig(DatabaseEnv);
  const health = kafka
    ? HealthModule.register({
        useFactory: (db: DataSource, client: Kafka) => [postgresCheck(db), kafkaCheck(client)],
        inject: [DataSource, KAFKA],
      })
    : HealthModule.register({
        useFactory: (db: DataSource) => [postgresCheck(db)],
        inject: [DataSource],
      });
  const poolSize = pool.DB_POOL_SIZE ?? o.poolSize ?? 10;
  return [
    DatabaseModule.forRoot(
      o.databaseUrl,
      poolSize,
      pool.DB_STATEMENT_TIMEOUT_MS,
      pool.DB_POOL_KEEP_OPEN ?? (o.keepPoolOpen ? poolSize : 0),
    ),
    ...(kafka ? [KafkaModule.forRoot(kafka.brokers, kafka.clientId)] : []),
    ...(o.standardHealth === false ? [] : [health]),
    MetricsModule,
    WebhookEgressModule,
  ];
}
