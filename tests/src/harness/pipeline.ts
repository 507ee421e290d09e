import { ServiceProcess, type ServiceName } from './service-process.js';
import { BROKERS, TEST_DATABASE_URL } from './infrastructure.js';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 3100);

/** Every service on the test database and the real broker, on their own ports. */
export class Pipeline {
  readonly services: Record<ServiceName, ServiceProcess>;

  constructor(extraEnv: NodeJS.ProcessEnv = {}) {
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
      INGEST_PORT: String(PORT_BASE),
      CLASSIFIER_PORT: String(PORT_BASE + 1),
      INTERVENTION_PORT: String(PORT_BASE + 2),
      RECORDER_PORT: String(PORT_BASE + 3),
      API_PORT: String(PORT_BASE + 4),
      ...extraEnv,
    };
    this.services = {
      ingest: new ServiceProcess('ingest', PORT_BASE, env),
      classifier: new ServiceProcess('classifier', PORT_BASE + 1, env),
      intervention: new ServiceProcess('intervention', PORT_BASE + 2, env),
      recorder: new ServiceProcess('recorder', PORT_BASE + 3, env),
      api: new ServiceProcess('api', PORT_BASE + 4, env),
    };
  }

  async start(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.stop()));
  }
}
