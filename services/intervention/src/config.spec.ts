import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeEnvironment, unsetVariables } from '@wink/platform/testing/compose.js';
import { InterventionEnv, loadInterventionConfig } from './config.js';

describe('intervention config', () => {
  it('is fully set by docker-compose.yml, and valid', () => {
    const env = composeEnvironment('intervention');
    assert.deepEqual(unsetVariables(InterventionEnv, env), []);
    assert.equal(loadInterventionConfig(env).HOST, '0.0.0.0');
  });

  it('fails fast naming an invalid variable', () => {
    assert.throws(
      () => loadInterventionConfig({ KAFKA_SESSION_TIMEOUT_MS: 'soon' }),
      /KAFKA_SESSION_TIMEOUT_MS/,
    );
  });
});
