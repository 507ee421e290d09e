import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeEnvironment, unsetVariables } from '@wink/platform/testing/compose.js';
import { RecorderEnv, loadRecorderConfig } from './config.js';

describe('recorder config', () => {
  it('is fully set by docker-compose.yml, and valid', () => {
    const env = composeEnvironment('recorder');
    assert.deepEqual(unsetVariables(RecorderEnv, env), []);
    assert.equal(loadRecorderConfig(env).HOST, '0.0.0.0');
  });

  it('fails fast naming an invalid variable', () => {
    assert.throws(
      () => loadRecorderConfig({ KAFKA_SESSION_TIMEOUT_MS: 'soon' }),
      /KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
});
