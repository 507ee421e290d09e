import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeEnvironment, unsetVariables } from '@wink/platform/testing/compose.js';
import { IngestEnv, loadIngestConfig } from './config.js';

describe('ingest config', () => {
  it('is fully set by docker-compose.yml, and valid', () => {
    const env = composeEnvironment('ingest');
    assert.deepEqual(unsetVariables(IngestEnv, env), []);
    assert.equal(loadIngestConfig(env).HOST, '0.0.0.0');
  });

  it('fails fast naming an invalid variable', () => {
    assert.throws(
      () => loadIngestConfig({ KAFKA_SESSION_TIMEOUT_MS: 'soon' }),
      /KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
});
