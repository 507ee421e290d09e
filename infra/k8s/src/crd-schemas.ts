// Minimal JSON Schemas of the operator resources the overlay uses, written from the Strimzi
// (kafka.strimzi.io/v1beta2) and CloudNativePG (postgresql.cnpg.io/v1) CRDs: the fields we set,
// their types and the CRDs' required fields. Unknown fields are rejected, so a typo fails.
type Schema = Record<string, unknown>;

const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$' };
const resources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { type: 'object', additionalProperties: quantity },
    limits: { type: 'object', additionalProperties: quantity },
  },
};
const dnsName = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const metadata = (requiredLabels: string[] = []) => ({
  type: 'object',
  required: ['name', ...(requiredLabels.length ? ['labels'] : [])],
  properties: {
    name: dnsName,
    namespace: dnsName,
    labels: {
      type: 'object',
      required: requiredLabels,
      properties: Object.fromEntries(requiredLabels.map((label) => [label, dnsName])),
      additionalProperties: { type: 'string' },
    },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
});
const resource = (
  apiVersion: string,
  kind: string,
  spec: Schema,
  requiredLabels: string[] = [],
) => ({
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: apiVersion },
    kind: { const: kind },
    metadata: metadata(requiredLabels),
    spec,
  },
});
const configMap = {
  type: 'object',
  additionalProperties: { type: ['string', 'number', 'boolean'] },
};

const kafka = resource('kafka.strimzi.io/v1beta2', 'Kafka', {
  type: 'object',
  required: ['kafka'],
  additionalProperties: false,
  properties: {
    kafka: {
      type: 'object',
      required: ['listeners'],
      additionalProperties: false,
      properties: {
        version: { type: 'string' },
        listeners: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'port', 'type', 'tls'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
              port: { type: 'integer', minimum: 9092 },
              type: {
                enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'],
              },
              tls: { type: 'boolean' },
            },
          },
        },
        config: configMap,
      },
    },
    entityOperator: {
      type: 'object',
      additionalProperties: false,
      properties: { topicOperator: { type: 'object' }, userOperator: { type: 'object' } },
    },
  },
});

const kafkaNodePool = resource(
  'kafka.strimzi.io/v1beta2',
  'KafkaNodePool',
  {
    type: 'object',
    required: ['replicas', 'roles', 'storage'],
    additionalProperties: false,
    properties: {
      replicas: { type: 'integer', minimum: 0 },
      roles: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: ['controller', 'broker'] },
      },
      storage: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          type: { enum: ['ephemeral', 'persistent-claim', 'jbod'] },
          volumes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type'],
              additionalProperties: false,
              properties: {
                id: { type: 'integer', minimum: 0 },
                type: { enum: ['ephemeral', 'persistent-claim'] },
                size: quantity,
                deleteClaim: { type: 'boolean' },
                kraftMetadata: { enum: ['shared'] },
              },
            },
          },
        },
      },
      resources,
    },
  },
  ['strimzi.io/cluster'],
);

const kafkaTopic = resource(
  'kafka.strimzi.io/v1beta2',
  'KafkaTopic',
  {
    type: 'object',
    additionalProperties: false,
    properties: {
      topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
      partitions: { type: 'integer', minimum: 1 },
      replicas: { type: 'integer', minimum: 1, maximum: 32767 },
      config: configMap,
    },
  },
  ['strimzi.io/cluster'],
);

const postgresCluster = resource('postgresql.cnpg.io/v1', 'Cluster', {
  type: 'object',
  required: ['instances'],
  additionalProperties: false,
  properties: {
    instances: { type: 'integer', minimum: 1 },
    imageName: { type: 'string' },
    storage: {
      type: 'object',
      additionalProperties: false,
      properties: { size: quantity, storageClass: { type: 'string' } },
    },
    bootstrap: {
      type: 'object',
      additionalProperties: false,
      properties: {
        initdb: {
          type: 'object',
          additionalProperties: false,
          properties: { database: { type: 'string' }, owner: { type: 'string' } },
        },
      },
    },
    resources,
  },
});

/** apiVersion/kind → schema, for the custom resources kubernetes-models has no model of. */
export const CRD_SCHEMAS: Record<string, Schema> = {
  'kafka.strimzi.io/v1beta2/Kafka': kafka,
  'kafka.strimzi.io/v1beta2/KafkaNodePool': kafkaNodePool,
  'kafka.strimzi.io/v1beta2/KafkaTopic': kafkaTopic,
  'postgresql.cnpg.io/v1/Cluster': postgresCluster,
};
