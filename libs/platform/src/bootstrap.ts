import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import type { Type } from '@nestjs/common';
import { JsonLogger } from './json-logger.js';

export interface BootstrapOptions {
  service: string;
  module: Type<unknown>;
  host: string;
  port: number;
  logLevel: string;
  /** The Kafka consumer side of a hybrid app, if the service consumes. */
  transport?: (app: NestExpressApplication) => CustomTransportStrategy;
  jsonBodyLimit?: number;
}

/**
 * Starts a service: HTTP (health and any API) plus, for consumers, the Kafka transport in the
 * same process. SIGTERM / SIGINT close the consumer first (finishing its in-flight batch), then
 * HTTP and connections.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<NestExpressApplication> {
  const logger = new JsonLogger(options.service, options.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger,
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: options.jsonBodyLimit ?? 1024 * 1024 });
  app.enableShutdownHooks();
  if (options.transport) {
    app.connectMicroservice({ strategy: options.transport(app) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await app.listen(options.port, options.host);
  logger.log({ msg: 'listening', port: options.port }, options.service);
  return app;
}
