import type { INestApplicationContext } from '@nestjs/common';
import type { Topic } from '@wink/contracts';
import { loadProtocolModules, TypedProducer } from '@wink/kafka';
import { onEachConnection, queryRows } from '@wink/persistence';
import { DataSource } from 'typeorm';
import type { JsonLogger } from './json-logger.js';

export interface WarmUpOptions {
  /** The topics the service produces to: their metadata is fetched before the first send. */
  produces?: Topic[];
  /** Whether the service consumes (set by `bootstrapService`): KafkaJS' hot requests are loaded. */
  consumes?: boolean;
  /** The service's own warm-up, e.g. its per-event code run on synthetic input. */
  run?: (app: INestApplicationContext) => unknown;
  /** How long a step may take before it is given up on (default 10 s). */
  stepTimeoutMs?: number;
}

/**
 * Connections opened ahead of traffic: a few, not the whole pool, which every instance of every
 * service opening at once would take Postgres past its connection limit (a service that keeps
 * more open, DB_POOL_KEEP_OPEN, warms those itself).
 */
const WARM_CONNECTIONS = 4;

/**
 * Makes a service warm before it takes traffic (its consumer joins and its port answers only
 * after): a few connections of its Postgres pool open, KafkaJS' request modules loaded and its
 * producer's topic metadata fetched, its own code run. Cold, the first requests came
 * concurrently, each opening a connection or waiting on metadata, and were acknowledged slowest.
 * A step that fails or hangs (a dependency down) is logged and skipped: the service works
 * without it, only colder.
 */
export async function warmUp(
  app: INestApplicationContext,
  options: WarmUpOptions,
  log: JsonLogger,
  service: string,
): Promise<void> {
  const started = performance.now();
  const steps: Array<[string, () => unknown]> = [
    [
      'postgres',
      () =>
        onEachConnection(
          app.get(DataSource, { strict: false }),
          (pinned) => queryRows(pinned, 'SELECT 1'),
          WARM_CONNECTIONS,
        ),
    ],
  ];
  if (options.produces?.length || options.consumes)
    steps.push(['kafka protocol', () => loadProtocolModules()]);
  if (options.produces?.length)
    steps.push(['kafka', () => app.get(TypedProducer, { strict: false }).warm(options.produces!)]);
  if (options.run) steps.push(['service', () => options.run!(app)]);
  const timeoutMs = options.stepTimeoutMs ?? 10_000;
  for (const [step, run] of steps) {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        run(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not done in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      log.warn({ msg: 'warm-up step failed', step, error: String(error) }, service);
    } finally {
      clearTimeout(timer);
    }
  }
  log.log({ msg: 'warm', ms: Math.round(performance.now() - started) }, service);
}
