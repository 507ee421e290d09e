import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate, per tenant', () => {
    let now = 0;
    const limiter = new RateLimiter(100, 200, () => now);
    assert.equal(limiter.take('a', 200), 0);
    assert.equal(limiter.take('a', 50), 500);
    assert.equal(limiter.take('b', 150), 0);
    now = 500;
    assert.equal(limiter.take('a', 50), 0);
  });
});
