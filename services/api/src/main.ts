import { bootstrapService } from '@wink/platform';
import { ApiModule } from './app.module.js';
import { loadApiConfig } from './config.js';
import { serveOpenApi } from './openapi.js';

const config = loadApiConfig();
await bootstrapService({
  service: 'api',
  module: ApiModule.forRoot(config),
  host: config.HOST,
  port: config.API_PORT,
  logLevel: config.LOG_LEVEL,
  beforeListen: serveOpenApi,
});
