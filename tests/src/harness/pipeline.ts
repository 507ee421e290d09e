import { after, before } from 'node:test';
import { ServiceProcess, type ServiceName } from './service-process.js';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS, type TrajectoryEvent } from '@wink/contracts';
import type { IssuedKey } from '@wink/persistence';
import { pollGuidance, postEvents, type GuidanceItem } from './http.js';
import {
  BROKERS,
  connectAdmin,
  prepareInfrastructure,
  TEST_DATABASE_URL,
  waitFor,
  waitForGroupsStable,
} from './infrastructure.js';

const PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 3100);

/**
 * Every service on the test database and the real broker, on their own ports (five from
 * `portBase`), under the run's topic and group prefixes unless `extraEnv` names others;
 * `serviceEnv` adds variables for one service.
 */
export class Pipeline {
  readonly services: Record<ServiceName, ServiceProcess>;

  constructor(
    extraEnv: NodeJS.ProcessEnv = {},
    portBase = PORT_BASE,
    serviceEnv: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {},
  ) {
    const env = {
      DATABASE_URL: TEST_DATABASE_URL,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
      INGEST_PORT: String(portBase),
      CLASSIFIER_PORT: String(portBase + 1),
      INTERVENTION_PORT: String(portBase + 2),
      RECORDER_PORT: String(portBase + 3),
      API_PORT: String(portBase + 4),
      ROLLUP_REFRESH_MS: '200',
      // Plain http to the tests' own receivers on loopback, admitted like an operator would.
      WINK_ENV: 'dev',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      ...extraEnv,
    };
    this.services = {
      ingest: new ServiceProcess('ingest', portBase, { ...env, ...serviceEnv.ingest }),
      classifier: new ServiceProcess('classifier', portBase + 1, {
        ...env,
        ...serviceEnv.classifier,
      }),
      intervention: new ServiceProcess('intervention', portBase + 2, {
        ...env,
        ...serviceEnv.intervention,
      }),
      recorder: new ServiceProcess('recorder', portBase + 3, { ...env, ...serviceEnv.recorder }),
      api: new ServiceProcess('api', portBase + 4, { ...env, ...serviceEnv.api }),
    };
  }

  async start(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.services).map((s) => s.stop()));
  }
}

export interface SuiteInfrastructure {
  db: DataSource;
  admin: Admin;
}

/**
 * Registers the suite's hooks: before its tests, the test database migrated, the topics created
 * and the pipeline started with every consumer group stable; after them, all of it closed. The
 * returned object holds the database and the Kafka admin once the first hook has run.
 */
export function startedForSuite(pipeline: Pipeline): SuiteInfrastructure {
  const infra = {} as SuiteInfrastructure;
  before(async () => {
    infra.db = await prepareInfrastructure();
    infra.admin = await connectAdmin();
    await pipeline.start();
    await waitForGroupsStable(infra.admin, Object.values(CONSUMER_GROUPS));
  });
  after(async () => {
    await pipeline.stop();
    await infra.admin?.disconnect();
    await infra.db?.destroy();
  });
  return infra;
}

/** Resolves once the recorder's daily rollup counts the tenant's sessions and flagged ones. */
export async function waitForDailyRates(
  apiUrl: string,
  apiKey: string,
  sessions: number,
  flagged: number,
) {
  await waitFor(
    async () => {
      const res = await fetch(`${apiUrl}/v1/analytics/misbehaviour-rate`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const rate = (await res.json()) as { sessions: number; flagged: number };
      return rate.sessions === sessions && rate.flagged === flagged;
    },
    10_000,
    `the daily rates to count ${sessions} sessions, ${flagged} flagged`,
  );
}

/**
 * Posts the looping and the clean session for the tenant and waits until everything is recorded
 * (events, verdicts, guidance and the daily rates: one of two sessions flagged); returns the
 * looping session's guidance, delivered by long-poll.
 */
export async function recordSamples(
  pipeline: Pipeline,
  db: DataSource,
  tenant: IssuedKey,
  looping: TrajectoryEvent[],
  clean: TrajectoryEvent[],
): Promise<GuidanceItem[]> {
  for (const events of [looping, clean]) {
    const posted = await postEvents(pipeline.services.ingest.url, tenant.apiKey, events);
    if (posted.status !== 202) throw new Error(`ingest answered ${posted.status}`);
  }
  await waitFor(
    async () => {
      const [row] = await db.query(
        `SELECT (SELECT coalesce(sum(event_count), 0)::int FROM sessions WHERE tenant_id = $1) AS events,
                (SELECT count(*)::int FROM guidance WHERE tenant_id = $1) AS guidance,
                (SELECT count(*)::int FROM verdicts WHERE tenant_id = $1) AS verdicts`,
        [tenant.tenantId],
      );
      return (
        row.events === looping.length + clean.length &&
        row.guidance > 0 &&
        row.verdicts >= row.guidance
      );
    },
    30_000,
    'the samples to be recorded with their guidance',
  );
  await waitForDailyRates(pipeline.services.api.url, tenant.apiKey, 2, 1);
  const polled = await pollGuidance(
    pipeline.services.intervention.url,
    tenant.apiKey,
    looping[0].sessionId,
    2000,
  );
  return polled.body.guidance;
}
