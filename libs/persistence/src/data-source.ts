import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import { EventEntity } from './entities/event.entity.js';
import { GuidanceEntity } from './entities/guidance.entity.js';
import { SessionEntity } from './entities/session.entity.js';
import { TenantEntity } from './entities/tenant.entity.js';
import { VerdictEntity } from './entities/verdict.entity.js';
import { InitialSchema1763870400000 } from './migrations/1763870400000-initial-schema.js';
import { ToolSchemasAndThresholds1763874000000 } from './migrations/1763874000000-tool-schemas-and-thresholds.js';
import { ToolSchemaEntity } from './entities/tool-schema.entity.js';
import { DeliveryEntity } from './entities/delivery.entity.js';
import { WebhookEntity } from './entities/webhook.entity.js';
import { DeliveryOutcomesPolicy1763877600000 } from './migrations/1763877600000-delivery-outcomes-policy.js';
import { JudgeUsage1763881200000 } from './migrations/1763881200000-judge-usage.js';
import { JudgeUsageEntity } from './entities/judge-usage.entity.js';
import { AnalyticsLabelsExperiments1763888400000 } from './migrations/1763888400000-analytics-labels-experiments.js';
import { SessionMisbehaviourEntity } from './entities/session-misbehaviour.entity.js';
import { LabelEntity } from './entities/label.entity.js';
import { ExperimentEntity } from './entities/experiment.entity.js';
import { DailyRateEntity } from './entities/daily-rate.entity.js';
import { DeadLetters1764610000000 } from './migrations/1764610000000-dead-letters.js';
import { ApiKeyScopes1764620000000 } from './migrations/1764620000000-api-key-scopes.js';
import { PartitionEvents1764630000000 } from './migrations/1764630000000-partition-events.js';
import { IncrementalDailyRates1764633600000 } from './migrations/1764633600000-incremental-daily-rates.js';
import { LeanHotIndexes1764700000000 } from './migrations/1764700000000-lean-hot-indexes.js';
import { SessionChangesMarkedPerRow1764700001000 } from './migrations/1764700001000-session-changes-marked-per-row.js';
import { BigintSeq1764710000000 } from './migrations/1764710000000-bigint-seq.js';
import { OtlpTraceSessions1764711000000 } from './migrations/1764711000000-otlp-trace-sessions.js';
import { TenantRetention1764720000000 } from './migrations/1764720000000-tenant-retention.js';
import { TenantRetentionTrimmed1764720001000 } from './migrations/1764720001000-tenant-retention-trimmed.js';
import { OpenDeliveredGuidanceIndex1764730000000 } from './migrations/1764730000000-open-delivered-guidance-index.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wink';

export const ENTITIES = [
  TenantEntity,
  ApiKeyEntity,
  SessionEntity,
  EventEntity,
  VerdictEntity,
  GuidanceEntity,
  ToolSchemaEntity,
  DeliveryEntity,
  WebhookEntity,
  JudgeUsageEntity,
  SessionMisbehaviourEntity,
  LabelEntity,
  ExperimentEntity,
  DailyRateEntity,
];
export const MIGRATIONS = [
  InitialSchema1763870400000,
  ToolSchemasAndThresholds1763874000000,
  DeliveryOutcomesPolicy1763877600000,
  JudgeUsage1763881200000,
  AnalyticsLabelsExperiments1763888400000,
  DeadLetters1764610000000,
  ApiKeyScopes1764620000000,
  PartitionEvents1764630000000,
  IncrementalDailyRates1764633600000,
  LeanHotIndexes1764700000000,
  SessionChangesMarkedPerRow1764700001000,
  BigintSeq1764710000000,
  OtlpTraceSessions1764711000000,
  TenantRetention1764720000000,
  TenantRetentionTrimmed1764720001000,
  OpenDeliveredGuidanceIndex1764730000000,
];

/**
 * A pooled connection that never throws its lost connection at the process. pg emits 'error' on a
 * client whose connection ends while no statement is running on it, and pg-pool listens only
 * while the client sits idle in the pool: one checked out between two statements (a transaction,
 * or a batch's statement just answered and not yet released) when Postgres goes away had its
 * 'error' unhandled, which killed the service. Nothing is lost by listening: the client is
 * marked unusable, a statement on it fails, and the pool drops it when it comes back.
 */
class PoolClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/**
 * `statementTimeoutMs`: the longest any statement may run (0: no limit, for migrations and tools).
 * `keepOpen`: connections the pool keeps however long they sit idle (the rest close after 10 s).
 */
export function createDataSource(
  url: string,
  poolSize = 10,
  statementTimeoutMs = 0,
  keepOpen = 0,
): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // Every query here is short; JIT compilation would cost more than it saves (tens of ms).
    extra: {
      Client: PoolClient,
      max: poolSize,
      min: Math.min(keepOpen, poolSize),
      options: `-c jit=off -c statement_timeout=${Math.max(0, Math.trunc(statementTimeoutMs))}`,
    },
  });
}

/** Creates the database named in `url` when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    }
  } catch (error) {
    // Two processes may race to create it; the loser sees a duplicate.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}
