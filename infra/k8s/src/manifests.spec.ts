import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import { HealthController, loadConfig, PlatformEnv } from '@wink/platform';
// Each service's env schema is the one place its variables are declared: the manifests are
// typed and checked against it. Only the config modules are imported, never a service.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { IngestEnv } from '@wink/ingest/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ClassifierEnv } from '@wink/classifier/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { InterventionEnv } from '@wink/intervention/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RecorderEnv } from '@wink/recorder/config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ApiEnv } from '@wink/api/dist/config.js';
import { renderManifests } from './render.js';
import { committedFiles, K8S_DIR } from './main.js';
import { validateObject, type KubeObject } from './validate.js';
import { PARTITIONS, SERVICE_NAMES, type ServiceName } from './settings.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What each service reads: its own schema and the platform's (pool, metrics, limits, egress). */
const SCHEMAS: Record<ServiceName, z.ZodObject> = {
  ingest: IngestEnv.extend(PlatformEnv.shape),
  classifier: ClassifierEnv.extend(PlatformEnv.shape),
  intervention: InterventionEnv.extend(PlatformEnv.shape),
  recorder: RecorderEnv.extend(PlatformEnv.shape),
  api: ApiEnv.extend(PlatformEnv.shape),
};
/** The variable each service listens on (its main.ts passes it to bootstrapService). */
const PORT_VARIABLES: Record<ServiceName, string> = {
  ingest: 'INGEST_PORT',
  classifier: 'CLASSIFIER_PORT',
  intervention: 'INTERVENTION_PORT',
  recorder: 'RECORDER_PORT',
  api: 'API_PORT',
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  livenessProbe?: { httpGet: { path: string; port: string | number } };
  readinessProbe?: { httpGet: { path: string; port: string | number } };
  startupProbe?: { httpGet: { path: string; port: string | number } };
}
type Obj = KubeObject & {
  metadata: { name: string };
  spec?: Record<string, unknown> & {
    template?: { spec: { containers: Container[] } };
    scaleTargetRef?: { name: string };
    maxReplicaCount?: number;
    triggers?: Array<{ type: string; metadata: Record<string, string> }>;
    partitions?: number;
    topicName?: string;
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const parseYaml = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
const read = (path: string) => readFileSync(join(K8S_DIR, path), 'utf8');
const committed = committedFiles();
const objectsIn = (dir: string) =>
  committed
    .filter((p) => p.startsWith(dir) && !p.endsWith('kustomization.yaml'))
    .flatMap((p) => parseYaml(read(p)));
const base = objectsIn('base/');
const find = (objects: Obj[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is in the manifests`);
  return found;
};
const containerOf = (o: Obj) => o.spec!.template!.spec.containers[0];

/** A container's environment as the pod gets it: ConfigMaps it loads, then its own entries. */
function environment(objects: Obj[], container: Container): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>();
  for (const from of container.envFrom ?? []) {
    const map = find(objects, 'ConfigMap', from.configMapRef!.name);
    for (const [k, v] of Object.entries(map.data ?? {})) env.set(k, v);
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    const secret = ref && objects.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name);
    env.set(e.name, e.value ?? (ref && secret ? secret.stringData?.[ref.key] : undefined));
  }
  return env;
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const kustomize = (dir: string) =>
  parseYaml(execFileSync('kubectl', ['kustomize', join(K8S_DIR, dir)], { encoding: 'utf8' }));

describe('infra/k8s manifests', () => {
  it('are what `npm run k8s:render` makes of infra/k8s/src (not stale)', async () => {
    const rendered = await renderManifests();
    assert.deepEqual(committed, [...rendered.keys()].sort(), 'the same files');
    for (const [path, text] of rendered)
      assert.ok(read(path) === text, `${path} is stale: run npm run k8s:render`);
  });

  it('hold only objects valid against the Kubernetes, KEDA, Strimzi and CloudNativePG schemas', () => {
    const all = [...base, ...objectsIn('overlays/')];
    assert.ok(all.length > 20);
    for (const object of all) validateObject(object);
  });

  it('list every file in their kustomizations, and build with kustomize into valid objects', (t) => {
    for (const dir of ['base', 'overlays/operators']) {
      const kustomization = parseYaml(read(`${dir}/kustomization.yaml`))[0] as unknown as {
        resources: string[];
      };
      const local = committed
        .filter((p) => p.startsWith(`${dir}/`) && !p.endsWith('kustomization.yaml'))
        .map((p) => p.slice(dir.length + 1));
      for (const file of local) assert.ok(kustomization.resources.includes(file), file);
    }
    if (!kubectl) return t.skip('kubectl is not installed: kustomize not run');
    const built = kustomize('overlays/operators');
    for (const object of built) validateObject(object);
    assert.equal(kustomize('base').length, base.length);
  });

  it('run every service with only variables its config accepts, and a config that loads', () => {
    for (const name of SERVICE_NAMES) {
      const container = containerOf(find(base, 'Deployment', name));
      const env = environment(base, container);
      const accepted = Object.keys(SCHEMAS[name].shape);
      for (const variable of env.keys())
        assert.ok(accepted.includes(variable), `${name} does not read ${variable}`);
      assert.doesNotThrow(() => loadConfig(SCHEMAS[name], Object.fromEntries(env)), name);
      assert.equal(env.get('HOST'), '0.0.0.0', `${name} listens beyond the pod's loopback`);
    }
  });

  it('give the operators overlay the same variables, with the database URL from CloudNativePG', (t) => {
    if (!kubectl) return t.skip('kubectl is not installed: kustomize not run');
    const built = kustomize('overlays/operators');
    for (const name of SERVICE_NAMES) {
      const container = containerOf(find(built, 'Deployment', name));
      const accepted = Object.keys(SCHEMAS[name].shape);
      for (const variable of environment(built, container).keys())
        assert.ok(accepted.includes(variable), `${name} does not read ${variable}`);
      const url = container.env!.find((e) => e.name === 'DATABASE_URL');
      assert.deepEqual(url?.valueFrom?.secretKeyRef, { name: 'wink-postgres-app', key: 'uri' });
    }
    const kafka = find(built, 'Kafka', 'wink');
    const bootstrap = find(built, 'Secret', 'wink-connections').stringData!.KAFKA_BROKERS;
    assert.equal(bootstrap, `${kafka.metadata.name}-kafka-bootstrap:9092`);
  });

  it('probe and expose the port each service listens on, on the health routes it serves', () => {
    const route = (method: 'live' | 'ready') =>
      `/${Reflect.getMetadata('path', HealthController.prototype[method]) as string}`;
    for (const name of SERVICE_NAMES) {
      const container = containerOf(find(base, 'Deployment', name));
      const config = loadConfig(SCHEMAS[name], Object.fromEntries(environment(base, container)));
      const port = container.ports!.find((p) => p.containerPort === config[PORT_VARIABLES[name]]);
      assert.ok(port, `${name}'s container port is ${String(config[PORT_VARIABLES[name]])}`);
      for (const probe of [
        container.livenessProbe,
        container.startupProbe,
        container.readinessProbe,
      ])
        assert.equal(probe?.httpGet.port, port.name, `${name} probes its own port`);
      assert.equal(container.livenessProbe!.httpGet.path, route('live'));
      assert.equal(container.startupProbe!.httpGet.path, route('live'));
      assert.equal(container.readinessProbe!.httpGet.path, route('ready'));
      const svc = find(base, 'Service', name) as Obj & {
        spec: { ports: Array<{ targetPort: string }> };
      };
      assert.equal(svc.spec.ports[0].targetPort, port.name);
    }
  });

  it('scale ingest and api on CPU, and each consumer on its group lag up to the partition count', () => {
    for (const name of ['ingest', 'api']) find(base, 'HorizontalPodAutoscaler', name);
    const setup = find(base, 'ConfigMap', 'wink-setup').data!;
    assert.equal(Number(setup.KAFKA_PARTITIONS), PARTITIONS);
    const topicNames = TOPICS as Record<string, string>;
    for (const name of ['classifier', 'intervention', 'recorder'] as const) {
      const scaled = find(base, 'ScaledObject', name);
      assert.equal(scaled.spec!.scaleTargetRef!.name, name);
      assert.equal(scaled.spec!.maxReplicaCount, PARTITIONS);
      // The topics the service's consumers subscribe to, read from its source.
      const sources = readdirSync(join(ROOT, 'services', name, 'src'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
        .map((f) => readFileSync(join(ROOT, 'services', name, 'src', f), 'utf8'))
        .join('\n');
      const consumed = [...sources.matchAll(/@EventPattern\(TOPICS\.(\w+)\)/g)]
        .map((m) => topicNames[m[1]])
        .sort();
      const triggers = scaled.spec!.triggers!;
      assert.deepEqual(triggers.map((tr) => tr.metadata.topic).sort(), consumed);
      for (const trigger of triggers) {
        assert.equal(trigger.type, 'kafka');
        assert.equal(trigger.metadata.consumerGroup, CONSUMER_GROUPS[name]);
        assert.equal(trigger.metadata.bootstrapServersFromEnv, 'KAFKA_BROKERS');
      }
    }
    for (const name of SERVICE_NAMES) find(base, 'PodDisruptionBudget', name);
    for (const topic of objectsIn('overlays/').filter((o) => o.kind === 'KafkaTopic'))
      assert.equal(topic.spec!.partitions, PARTITIONS, topic.spec!.topicName);
  });

  it('migrate and create topics with the commands and variables the image has', () => {
    const job = base.find((o) => o.kind === 'Job');
    assert.ok(job, 'a setup Job');
    const container = containerOf(job);
    const scripts = container.command!.join(' ').match(/\S+\/dist\/\S+\.js/g) ?? [];
    assert.deepEqual(scripts, ['libs/persistence/dist/cli.js', 'libs/kafka/dist/create-topics.js']);
    const read = scripts.flatMap((script) => {
      assert.ok(existsSync(join(ROOT, script)), `${script} is built`);
      return [...readFileSync(join(ROOT, script), 'utf8').matchAll(/process\.env\.(\w+)/g)].map(
        (m) => m[1],
      );
    });
    for (const variable of environment(base, container).keys())
      assert.ok(read.includes(variable), `the setup scripts do not read ${variable}`);
  });
});
