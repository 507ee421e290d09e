import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chunkByBytes } from './typed-producer.js';

const message = (key: string, bytes: number) => ({ key, value: Buffer.alloc(bytes) });

describe('chunkByBytes', () => {
  it('splits a backlog into requests under the limit, keeping the order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(`k${i}`, 98));
    const chunks = chunkByBytes(messages, 300);
    assert.deepEqual(
      chunks.map((c) => c.map((m) => m.key)),
      [['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k6', 'k7', 'k8'], ['k9']],
    );
    assert.ok(chunks.every((c) => c.reduce((n, m) => n + m.value.length + m.key.length, 0) <= 300));
  });

  it('sends a message larger than the limit alone, and an empty list as nothing', () => {
    const chunks = chunkByBytes([message('a', 10), message('big', 500), message('b', 10)], 100);
    assert.deepEqual(
      chunks.map((c) => c.map((m) => m.key)),
      [['a'], ['big'], ['b']],
    );
    assert.deepEqual(chunkByBytes([], 100), []);
  });
});
