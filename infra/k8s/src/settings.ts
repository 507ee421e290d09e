import type { z } from 'zod';
import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
// Each service's env schema is the one place its variables are declared: the manifests are
// typed and checked against it. Only the config modules are imported, never a service.
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { IngestEnv } from '@wink/ingest/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { ClassifierEnv } from '@wink/classifier/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { InterventionEnv } from '@wink/intervention/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { RecorderEnv } from '@wink/recorder/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import type { ApiEnv } from '@wink/api/dist/config.js';

export const NAMESPACE = 'wink';
export const VERSION = '0.1.0';
/** Partitions of every topic: the most consumer instances KEDA may run per group. */
export const PARTITIONS = 12;
export const REPLICATION_FACTOR = 3;

export type ServiceName = 'ingest' | 'classifier' | 'intervention' | 'recorder' | 'api';
export const SERVICE_NAMES: ServiceName[] = [
  'ingest',
  'classifier',
  'intervention',
  'recorder',
  'api',
];

/**
 * Keys of the Secret `wink-connections`: where Kafka and Postgres are, the judge's key, the key
 * that encrypts webhook secrets at rest (webhooks are refused while it is empty) and the token
 * `/metrics` asks for.
 */
export type SecretKey =
  'DATABASE_URL' | 'KAFKA_BROKERS' | 'JUDGE_API_KEY' | 'WEBHOOK_SECRET_KEY' | 'METRICS_TOKEN';
export const CONNECTIONS_SECRET = 'wink-connections';
/** Placeholders: replace the Secret before applying (see the README). */
export const CONNECTION_PLACEHOLDERS: Record<SecretKey, string> = {
  DATABASE_URL: 'postgres://wink:change-me@postgres.wink.svc:5432/wink',
  KAFKA_BROKERS: 'kafka.wink.svc:9092',
  JUDGE_API_KEY: 'none',
  WEBHOOK_SECRET_KEY: '',
  METRICS_TOKEN: 'change-me-metrics-token',
};

/** A service's settings, keyed by the variables its zod env schema reads (checked by tsc). */
type Settings<S extends z.ZodType> = Partial<Record<Exclude<keyof z.input<S>, SecretKey>, string>>;

export type Scaling =
  | { kind: 'cpu'; min: number; max: number; cpuPercent: number }
  /** KEDA on the consumer group's lag; at most one instance per partition. */
  | { kind: 'lag'; group: string; topics: string[]; lagThreshold: number };

export interface ServiceSpec {
  name: ServiceName;
  /** The variable holding the HTTP port (health, metrics and any API). */
  portVariable: string;
  settings: Record<string, string>;
  secrets: SecretKey[];
  resources: { cpu: string; memory: string; memoryLimit: string };
  scaling: Scaling;
}

const common = { LOG_LEVEL: 'info', HOST: '0.0.0.0' } as const;
const consumer = { ...common, KAFKA_SESSION_TIMEOUT_MS: '30000' } as const;

const ingest: Settings<typeof IngestEnv> = {
  ...consumer,
  INGEST_PORT: '3000',
  INGEST_BODY_LIMIT_BYTES: '1048576',
  INGEST_RATE_EVENTS_PER_SEC: '20000',
  INGEST_RATE_BURST: '40000',
};
const classifier: Settings<typeof ClassifierEnv> = {
  ...consumer,
  CLASSIFIER_PORT: '3001',
  CLASSIFIER_WINDOW: '8',
  CLASSIFIER_MAX_SESSIONS: '50000',
  JUDGE_ENABLED: 'false',
  JUDGE_MODEL: 'gpt-4o-mini',
  JUDGE_TIMEOUT_MS: '15000',
  JUDGE_MAX_RETRIES: '2',
  JUDGE_CONCURRENCY_PER_TENANT: '2',
  JUDGE_WINDOW_TOKENS: '2000',
  JUDGE_DAILY_TOKENS_PER_TENANT: '2000000',
  JUDGE_STALE_STEPS: '30',
};
const intervention: Settings<typeof InterventionEnv> = {
  ...consumer,
  INTERVENTION_PORT: '3002',
  GUIDANCE_COOLDOWN_MS: '30000',
  GUIDANCE_MAX_PER_SESSION: '20',
  GUIDANCE_STALE_STEPS: '50',
  OUTCOME_STEPS: '10',
  OUTCOME_SWEEP_MS: '2000',
  GUIDANCE_MAX_WAIT_MS: '30000',
  WEBHOOK_MAX_ATTEMPTS: '6',
  WEBHOOK_BACKOFF_MS: '1000',
  WEBHOOK_BACKOFF_MAX_MS: '300000',
  WEBHOOK_TIMEOUT_MS: '5000',
};
const recorder: Settings<typeof RecorderEnv> = {
  ...consumer,
  RECORDER_PORT: '3003',
  ROLLUP_REFRESH_MS: '1000',
};
const api: Settings<typeof ApiEnv> = { ...common, API_PORT: '3004' };

const LAG_THRESHOLD = 1000;

export const SERVICES: ServiceSpec[] = [
  {
    name: 'ingest',
    portVariable: 'INGEST_PORT',
    settings: ingest,
    secrets: ['DATABASE_URL', 'KAFKA_BROKERS', 'WEBHOOK_SECRET_KEY', 'METRICS_TOKEN'],
    resources: { cpu: '500m', memory: '256Mi', memoryLimit: '512Mi' },
    scaling: { kind: 'cpu', min: 2, max: 10, cpuPercent: 70 },
  },
  {
    name: 'classifier',
    portVariable: 'CLASSIFIER_PORT',
    settings: classifier,
    secrets: ['DATABASE_URL', 'KAFKA_BROKERS', 'JUDGE_API_KEY', 'METRICS_TOKEN'],
    resources: { cpu: '500m', memory: '384Mi', memoryLimit: '768Mi' },
    scaling: {
      kind: 'lag',
      group: CONSUMER_GROUPS.classifier,
      topics: [TOPICS.events],
      lagThreshold: LAG_THRESHOLD,
    },
  },
  {
    name: 'intervention',
    portVariable: 'INTERVENTION_PORT',
    settings: intervention,
    secrets: ['DATABASE_URL', 'KAFKA_BROKERS', 'WEBHOOK_SECRET_KEY', 'METRICS_TOKEN'],
    resources: { cpu: '250m', memory: '256Mi', memoryLimit: '512Mi' },
    scaling: {
      kind: 'lag',
      group: CONSUMER_GROUPS.intervention,
      topics: [TOPICS.verdicts],
      lagThreshold: LAG_THRESHOLD,
    },
  },
  {
    name: 'recorder',
    portVariable: 'RECORDER_PORT',
    settings: recorder,
    secrets: ['DATABASE_URL', 'KAFKA_BROKERS', 'METRICS_TOKEN'],
    resources: { cpu: '500m', memory: '256Mi', memoryLimit: '512Mi' },
    scaling: {
      kind: 'lag',
      group: CONSUMER_GROUPS.recorder,
      topics: [TOPICS.events, TOPICS.verdicts, TOPICS.eventsDeadLetter, TOPICS.verdictsDeadLetter],
      lagThreshold: LAG_THRESHOLD,
    },
  },
  {
    name: 'api',
    portVariable: 'API_PORT',
    settings: api,
    secrets: ['DATABASE_URL', 'METRICS_TOKEN'],
    resources: { cpu: '250m', memory: '256Mi', memoryLimit: '512Mi' },
    scaling: { kind: 'cpu', min: 2, max: 4, cpuPercent: 70 },
  },
];

/** The one-shot schema migration and topic creation, as the image runs them (see Dockerfile). */
export const SETUP = {
  name: `setup-${VERSION.replaceAll('.', '-')}`,
  image: 'ingest',
  command: [
    'sh',
    '-c',
    'node libs/persistence/dist/cli.js migrate && node libs/kafka/dist/create-topics.js',
  ],
  /** Read by libs/kafka/src/create-topics.ts. */
  settings: {
    KAFKA_PARTITIONS: String(PARTITIONS),
    KAFKA_REPLICATION_FACTOR: String(REPLICATION_FACTOR),
  },
  secrets: ['DATABASE_URL', 'KAFKA_BROKERS'] as SecretKey[],
};

export const image = (service: ServiceName | string) => `wink/${service}:${VERSION}`;
