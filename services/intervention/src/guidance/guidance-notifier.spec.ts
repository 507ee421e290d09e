import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sessionKeysOf } from './guidance-notifier.js';

describe('sessionKeysOf', () => {
  it('reads one session key, or the JSON array of keys a batch notifies', () => {
    assert.deepEqual(sessionKeysOf('t1:s1'), ['t1:s1']);
    assert.deepEqual(sessionKeysOf('["t1:s1","t2:s:with:colons"]'), ['t1:s1', 't2:s:with:colons']);
  });

  it('wakes nobody for an empty or malformed payload', () => {
    assert.deepEqual(sessionKeysOf(undefined), []);
    assert.deepEqual(sessionKeysOf(''), []);
    assert.deepEqual(sessionKeysOf('[not json'), []);
    assert.deepEqual(sessionKeysOf('[1, "t:s"]'), ['t:s']);
  });
});
