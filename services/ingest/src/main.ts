import { bootstrapService } from '@wink/platform';
import { IngestModule } from './app.module.js';
import { loadIngestConfig } from './config.js';

const config = loadIngestConfig();
await bootstrapService({
  service: 'ingest',
  module: IngestModule.forRoot(config),
  host: config.HOST,
  port: config.INGEST_PORT,
  logLevel: config.LOG_LEVEL,
  jsonBodyLimit: config.INGEST_BODY_LIMIT_BYTES,
});
