import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Kafka } from 'kafkajs';
import { KafkaBatchTransport, TypedProducer, type BatchConsumerOptions } from '@wink/kafka';
import type { DynamicModule, Type } from '@nestjs/common';
import { JsonLogger } from './json-logger.js';
import { KAFKA } from './kafka.module.js';
import { countConsumerRestart, countDeadLetter, observeBatch } from './consumer-metrics.js';
import { loadConfig } from './config.js';
import { HttpSecurityEnv, metricsAccess, securityHeaders } from './http-security.js';
import { authenticateBeforeBody } from './authenticate-before-body.js';
import { inSequence } from './in-sequence.js';
import { plainJsonBody } from './plain-json-body.js';
import { warmUp, type WarmUpOptions } from './warm-up.js';

/**
 * Tuning for a consumer that is latency-critical and whose committed offsets nobody waits on (the
 * classifier, the intervention; not the recorder, whose offsets tell the classifier what Postgres
 * holds). Commits at least a second apart: under load one a second instead of one per batch (each
 * commit is a request and an append to the broker's offsets log); a crash re-reads at most that
 * much more, which idempotent handlers allow.
 * Fetches held up to 500 ms: with a minimum of one byte the broker answers as soon as a message
 * arrives, so the wait only spaces the empty fetches of a quiet partition (the default 100 ms
 * made them most of an idle consumer's and the broker's CPU).
 */
export const LATENCY_CRITICAL_CONSUMER = {
  commitIntervalMs: 1000,
  fetchMaxWaitMs: 500,
} satisfies Partial<BatchConsumerOptions>;

export interface BootstrapOptions {
  service: string;
  module: Type<unknown> | DynamicModule;
  host: string;
  port: number;
  logLevel: string;
  /** For a consuming service: its consumer group, fed to its `@EventPattern(topic)` handlers. */
  consume?: Pick<
    BatchConsumerOptions,
    'groupId' | 'sessionTimeoutMs' | 'commitIntervalMs' | 'fetchMaxWaitMs' | 'fetchMinBytes'
  >;
  jsonBodyLimit?: number;
  /** Last set-up on the application before it listens (e.g. serving an OpenAPI document). */
  beforeListen?: (app: NestExpressApplication) => void;
  /** What to warm before the service consumes or answers (its Postgres pool in any case). */
  warmUp?: WarmUpOptions;
}

/**
 * Starts a service: HTTP (health and any API) plus, for consumers, the Kafka transport in the
 * same process, once warm (see `warmUp`): its health answers, and its consumer joins its group,
 * only then. SIGTERM / SIGINT close the consumer first (finishing its in-flight batch), then
 * HTTP and connections.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<NestExpressApplication> {
  const logger = new JsonLogger(options.service, options.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  const jsonBodyLimit = options.jsonBodyLimit ?? 1024 * 1024;
  app.use(
    inSequence(
      securityHeaders,
      metricsAccess(loadConfig(HttpSecurityEnv)),
      authenticateBeforeBody(),
      plainJsonBody(jsonBodyLimit),
    ),
  );
  app.useBodyParser('json', { limit: jsonBodyLimit });
  app.enableShutdownHooks();
  await warmUp(
    app,
    { ...options.warmUp, consumes: options.consume !== undefined },
    logger,
    options.service,
  );
  if (options.consume) {
    const strategy = new KafkaBatchTransport({
      kafka: app.get<Kafka>(KAFKA),
      producer: app.get(TypedProducer),
      ...options.consume,
      service: options.service,
      observe: observeBatch,
      onDeadLetter: countDeadLetter,
      onRestart: countConsumerRestart,
    });
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  options.beforeListen?.(app);
  await app.listen(options.port, options.host);
  logger.log({ msg: 'listening', port: options.port }, options.service);
  return app;
}
