import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { loadProtocolModules } from './protocol-modules.js';

describe('loadProtocolModules', () => {
  it("loads every version of KafkaJS' produce and offset-commit requests ahead of their first use", () => {
    const cached = (path: string) =>
      Object.keys(createRequire(import.meta.url).cache).some((k) => k.endsWith(path));
    assert.ok(loadProtocolModules() > 0);
    for (const path of [
      'protocol/requests/produce/v7/request.js',
      'protocol/requests/produce/v7/response.js',
      'protocol/requests/offsetCommit/v5/request.js',
      'protocol/requests/heartbeat/v3/response.js',
    ])
      assert.ok(cached(path), path);
  });
});
