import { ConfigMap, Namespace, Secret, Service, type IEnvVar } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { IIoK8sApiCoreV1Probe as Probe } from 'kubernetes-models/v1/Probe';
import type { IIoK8sApiCoreV1Container as Container } from 'kubernetes-models/v1/Container';
import {
  CONNECTION_PLACEHOLDERS,
  CONNECTIONS_SECRET,
  image,
  NAMESPACE,
  PARTITIONS,
  SETUP,
  type SecretKey,
  type ServiceSpec,
} from './settings.js';

/** The routes of libs/platform's HealthController. */
export const LIVENESS_PATH = '/health/live';
export const READINESS_PATH = '/health/ready';
const PORT_NAME = 'http';

const labels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'wink',
});

const configMapName = (name: string) => `wink-${name}`;

const secretEnv = (keys: SecretKey[]): IEnvVar[] =>
  keys.map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: CONNECTIONS_SECRET, key } },
  }));

const hardened: Container['securityContext'] = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

export function namespace() {
  return new Namespace({
    metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'wink' } },
  });
}

export function connectionsSecret() {
  return new Secret({
    metadata: { name: CONNECTIONS_SECRET, labels: { 'app.kubernetes.io/part-of': 'wink' } },
    type: 'Opaque',
    stringData: { ...CONNECTION_PLACEHOLDERS },
  });
}

export function settingsConfigMap(name: string, settings: Record<string, string>) {
  return new ConfigMap({
    metadata: { name: configMapName(name), labels: labels(name) },
    data: settings,
  });
}

const httpProbe = (path: string, periodSeconds: number, failureThreshold: number): Probe => ({
  httpGet: { path, port: PORT_NAME },
  periodSeconds,
  timeoutSeconds: 3,
  failureThreshold,
});

export function deployment(spec: ServiceSpec) {
  const port = Number(spec.settings[spec.portVariable]);
  const container: Container = {
    name: spec.name,
    image: image(spec.name),
    ports: [{ name: PORT_NAME, containerPort: port }],
    envFrom: [{ configMapRef: { name: configMapName(spec.name) } }],
    env: secretEnv(spec.secrets),
    resources: {
      requests: { cpu: spec.resources.cpu, memory: spec.resources.memory },
      limits: { memory: spec.resources.memoryLimit },
    },
    // Boot (Nest, Kafka join) may take a while; liveness only asks that the process answers, so
    // a broker or database outage makes pods unready, never restarts them.
    startupProbe: httpProbe(LIVENESS_PATH, 2, 30),
    livenessProbe: httpProbe(LIVENESS_PATH, 10, 3),
    readinessProbe: httpProbe(READINESS_PATH, 5, 2),
    securityContext: hardened,
  };
  return new Deployment({
    metadata: { name: spec.name, labels: labels(spec.name) },
    spec: {
      // No replica count: the HorizontalPodAutoscaler or KEDA owns it.
      selector: { matchLabels: labels(spec.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(spec.name),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          // SIGTERM makes a consumer finish and commit its in-flight batch first.
          terminationGracePeriodSeconds: 45,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [container],
        },
      },
    },
  });
}

export function service(spec: ServiceSpec) {
  const port = Number(spec.settings[spec.portVariable]);
  return new Service({
    metadata: { name: spec.name, labels: labels(spec.name) },
    spec: {
      selector: labels(spec.name),
      ports: [{ name: PORT_NAME, port, targetPort: PORT_NAME }],
    },
  });
}

export function disruptionBudget(spec: ServiceSpec) {
  return new PodDisruptionBudget({
    metadata: { name: spec.name, labels: labels(spec.name) },
    spec: {
      selector: { matchLabels: labels(spec.name) },
      // Scaled on CPU, two or more run: keep one. On lag, one may run: let a drain move it.
      ...(spec.scaling.kind === 'cpu' ? { minAvailable: 1 } : { maxUnavailable: 1 }),
    },
  });
}

export function autoscaler(spec: ServiceSpec) {
  const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name };
  if (spec.scaling.kind === 'cpu') {
    return new HorizontalPodAutoscaler({
      metadata: { name: spec.name, labels: labels(spec.name) },
      spec: {
        scaleTargetRef: target,
        minReplicas: spec.scaling.min,
        maxReplicas: spec.scaling.max,
        metrics: [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec.scaling.cpuPercent },
            },
          },
        ],
      },
    });
  }
  const { group, topics, lagThreshold } = spec.scaling;
  return new ScaledObject({
    metadata: { name: spec.name, labels: labels(spec.name) },
    spec: {
      scaleTargetRef: target,
      minReplicaCount: 1,
      // One consumer per partition at most; more would sit idle.
      maxReplicaCount: PARTITIONS,
      pollingInterval: 15,
      cooldownPeriod: 300,
      triggers: topics.map((topic) => ({
        type: 'kafka',
        metadata: {
          // The broker list the container itself gets from the Secret.
          bootstrapServersFromEnv: 'KAFKA_BROKERS',
          consumerGroup: group,
          topic,
          lagThreshold: String(lagThreshold),
          offsetResetPolicy: 'earliest',
          allowIdleConsumers: 'false',
        },
      })),
    },
  });
}

export function setupJob() {
  return new Job({
    metadata: { name: SETUP.name, labels: labels('setup') },
    spec: {
      backoffLimit: 10,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels: labels('setup') },
        spec: {
          restartPolicy: 'OnFailure',
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
          containers: [
            {
              name: 'setup',
              image: image(SETUP.image),
              command: SETUP.command,
              envFrom: [{ configMapRef: { name: configMapName('setup') } }],
              env: secretEnv(SETUP.secrets),
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { memory: '256Mi' },
              },
              securityContext: hardened,
            },
          ],
        },
      },
    },
  });
}
