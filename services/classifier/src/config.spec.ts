import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeEnvironment, unsetVariables } from '@wink/platform/testing/compose.js';
import { ClassifierEnv, loadClassifierConfig } from './config.js';

describe('classifier config', () => {
  it('is fully set by docker-compose.yml, and valid', () => {
    const env = composeEnvironment('classifier');
    assert.deepEqual(unsetVariables(ClassifierEnv, env), []);
    assert.equal(loadClassifierConfig(env).HOST, '0.0.0.0');
  });

  it('fails fast naming an invalid variable', () => {
    assert.throws(
      () => loadClassifierConfig({ KAFKA_SESSION_TIMEOUT_MS: 'soon' }),
      /KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
});
