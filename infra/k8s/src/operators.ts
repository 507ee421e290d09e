// The `operators` overlay: Kafka run by Strimzi and Postgres by CloudNativePG inside the cluster,
// instead of the external ones the base's Secret points at.
import { ALL_TOPICS } from '@wink/contracts';
import { CONNECTIONS_SECRET, PARTITIONS, REPLICATION_FACTOR, SERVICES, SETUP } from './settings.js';

export const KAFKA_CLUSTER = 'wink';
export const POSTGRES_CLUSTER = 'wink-postgres';
/** Strimzi's bootstrap Service for the plain listener. */
export const KAFKA_BOOTSTRAP = `${KAFKA_CLUSTER}-kafka-bootstrap:9092`;
/** CloudNativePG's Secret for the application owner: its `uri` key is a full connection URL. */
export const POSTGRES_APP_SECRET = `${POSTGRES_CLUSTER}-app`;

export interface CustomResource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

const partOf = { 'app.kubernetes.io/part-of': 'wink' };

export function kafkaNodePool(): CustomResource {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaNodePool',
    metadata: { name: 'dual-role', labels: { ...partOf, 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      replicas: REPLICATION_FACTOR,
      roles: ['controller', 'broker'],
      storage: {
        type: 'jbod',
        volumes: [
          {
            id: 0,
            type: 'persistent-claim',
            size: '50Gi',
            deleteClaim: false,
            kraftMetadata: 'shared',
          },
        ],
      },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
    },
  };
}

export function kafka(): CustomResource {
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'Kafka',
    metadata: {
      name: KAFKA_CLUSTER,
      labels: partOf,
      annotations: { 'strimzi.io/node-pools': 'enabled', 'strimzi.io/kraft': 'enabled' },
    },
    spec: {
      kafka: {
        listeners: [{ name: 'plain', port: 9092, type: 'internal', tls: false }],
        config: {
          'auto.create.topics.enable': false,
          'offsets.topic.replication.factor': REPLICATION_FACTOR,
          'transaction.state.log.replication.factor': REPLICATION_FACTOR,
          'transaction.state.log.min.isr': REPLICATION_FACTOR - 1,
          'default.replication.factor': REPLICATION_FACTOR,
          'min.insync.replicas': REPLICATION_FACTOR - 1,
        },
      },
      entityOperator: { topicOperator: {} },
    },
  };
}

/** Kubernetes names cannot hold dots: the topic's own name goes in spec.topicName. */
export const topicResourceName = (topic: string) => topic.replace(/[^a-z0-9-]/g, '-');

export function kafkaTopics(): CustomResource[] {
  return ALL_TOPICS.map((topic) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaTopic',
    metadata: {
      name: topicResourceName(topic),
      labels: { ...partOf, 'strimzi.io/cluster': KAFKA_CLUSTER },
    },
    spec: {
      topicName: topic,
      partitions: PARTITIONS,
      replicas: REPLICATION_FACTOR,
      config: { 'min.insync.replicas': REPLICATION_FACTOR - 1 },
    },
  }));
}

export function postgresCluster(): CustomResource {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: POSTGRES_CLUSTER, labels: partOf },
    spec: {
      instances: 3,
      storage: { size: '100Gi' },
      bootstrap: { initdb: { database: 'wink', owner: 'wink' } },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
    },
  };
}

export interface Patch {
  target: { kind: string; name: string };
  patch: Record<string, unknown>;
}

const databaseUrlFromCluster = (container: string) => ({
  name: container,
  env: [
    {
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: POSTGRES_APP_SECRET, key: 'uri' } },
    },
  ],
});

/** Strategic-merge patches of the base: env entries merge by name, `command` is replaced. */
export function operatorPatches(): Patch[] {
  const deployments = SERVICES.map((s): Patch => ({
    target: { kind: 'Deployment', name: s.name },
    patch: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: s.name },
      spec: { template: { spec: { containers: [databaseUrlFromCluster(s.name)] } } },
    },
  }));
  return [
    {
      target: { kind: 'Secret', name: CONNECTIONS_SECRET },
      patch: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: CONNECTIONS_SECRET },
        stringData: { KAFKA_BROKERS: KAFKA_BOOTSTRAP },
      },
    },
    ...deployments,
    {
      target: { kind: 'Job', name: SETUP.name },
      patch: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: SETUP.name },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  ...databaseUrlFromCluster('setup'),
                  // The topics are KafkaTopic resources here: only the schema is migrated.
                  command: ['node', 'libs/persistence/dist/cli.js', 'migrate'],
                },
              ],
            },
          },
        },
      },
    },
  ];
}
