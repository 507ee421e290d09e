import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { percentile } from './percentiles.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = [15, 20, 35, 40, 50];
    assert.equal(percentile(values, 50), 35);
    assert.equal(percentile(values, 95), 50);
    assert.equal(percentile(values, 0), 15);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});
