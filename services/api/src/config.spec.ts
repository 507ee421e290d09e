import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeEnvironment, unsetVariables } from '@wink/platform/testing/compose.js';
import { ApiEnv, loadApiConfig } from './config.js';

describe('api config', () => {
  it('is fully set by docker-compose.yml, and valid', () => {
    const env = composeEnvironment('api');
    assert.deepEqual(unsetVariables(ApiEnv, env), []);
    assert.equal(loadApiConfig(env).API_PORT, 3004);
  });

  it('fails fast naming an invalid variable', () => {
    assert.throws(() => loadApiConfig({ API_PORT: 'eighty' }), /API_PORT/);
  });
});
