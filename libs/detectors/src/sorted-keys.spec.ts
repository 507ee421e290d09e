import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sortedKeys } from './sorted-keys.js';

describe('sorted keys', () => {
  it('are the keys in the order sort() gives, for few keys and for many', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
    for (const value of [
      {},
      { a: 1 },
      { b: 1, a: 2 },
      { path: 'x', command: 'ls', Content: '', _id: 1, é: 2, 'z-1': 3, Z: 4 },
      { 10: 'a', 9: 'b', 1: 'c', x: 'd', '01': 'e' },
      ['x', 'y', 'z'],
      many,
    ])
      assert.deepEqual(sortedKeys(value), Object.keys(value).sort(), JSON.stringify(value));
  });
});
