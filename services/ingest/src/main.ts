import { TOPICS } from '@wink/contracts';
import { bootstrapService } from '@wink/platform';
import { warmUpEventPath } from './events/warm-up.js';
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
  // Agents, SDKs and the CLI never fetch from ingest conditionally: an ETag (a SHA-1 of every
  // answer, acknowledgements included) would be waste.
  beforeListen: (app) => app.set('etag', false),
  warmUp: { produces: [TOPICS.events], run: () => warmUpEventPath() },
});
