import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clip, MAX_ARG_DEPTH, unstorable, unstorableJson } from './storable.js';

describe('storable', () => {
  it('refuses NUL and lone surrogates, and keeps pairs', () => {
    assert.match(unstorable('a\u0000b')!, /NUL/);
    assert.match(unstorable('a\ud800b')!, /surrogate/);
    assert.match(unstorable('\udc00')!, /surrogate/);
    assert.equal(unstorable('emoji 😀 é'), null);
  });

  it('clips without splitting a surrogate pair', () => {
    assert.equal(clip('ab😀', 3), 'ab');
    assert.equal(clip('ab😀', 4), 'ab😀');
    assert.equal(clip('abc', 10), 'abc');
  });

  it('finds the first unstorable place in JSON at any depth, iteratively', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.match(unstorableJson(deep)!.message, new RegExp(`deeper than ${MAX_ARG_DEPTH}`));
    assert.deepEqual(unstorableJson({ a: [1, { 'k\u0000': 2 }] })?.path, ['a', 1, 'k\u0000']);
    assert.deepEqual(unstorableJson({ a: ['ok', 'bad\ud800'] })?.path, ['a', 1]);
    assert.equal(unstorableJson({ a: [1, 'two', { three: null }] }), null);
  });
});
