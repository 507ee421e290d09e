import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyGrant } from '@wink/persistence';
import { ApiKeyCache, KeyCheckUnavailable } from './api-key-cache.js';
import { WindowLimiter } from './window-limiter.js';

const GRANT: KeyGrant = { tenantId: 't1', scopes: ['ingest'] };

function cacheWith(answers: Array<KeyGrant | null | Error>) {
  let now = 0;
  let asked = 0;
  const cache = new ApiKeyCache(
    async () => {
      const answer = answers[Math.min(asked++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    { ttlMs: 1000, unknownTtlMs: 500, max: 2, now: () => now },
  );
  return { cache, tick: (ms: number) => (now += ms), asked: () => asked };
}

describe('ApiKeyCache', () => {
  it('answers from the cache while the entry lives, then asks again', async () => {
    const c = cacheWith([GRANT, null]);
    assert.deepEqual(await c.cache.lookup('h'), GRANT);
    c.tick(999);
    assert.deepEqual(await c.cache.lookup('h'), GRANT);
    assert.equal(c.asked(), 1);
    c.tick(1);
    assert.equal(await c.cache.lookup('h'), null, 'revoked meanwhile');
  });

  it('does not honour an expired entry when Postgres cannot be asked', async () => {
    const c = cacheWith([GRANT, new Error('connection refused')]);
    await c.cache.lookup('h');
    c.tick(1000);
    await assert.rejects(c.cache.lookup('h'), KeyCheckUnavailable);
  });

  it('remembers unknown keys for their own, shorter time', async () => {
    const c = cacheWith([null, GRANT]);
    assert.equal(await c.cache.lookup('u'), null);
    c.tick(499);
    assert.equal(await c.cache.lookup('u'), null);
    assert.equal(c.asked(), 1);
    c.tick(1);
    assert.deepEqual(await c.cache.lookup('u'), GRANT);
  });

  it('forgets a revoked key at once, and stays within its size', async () => {
    const c = cacheWith([GRANT, null]);
    await c.cache.lookup('a');
    c.cache.forget('a');
    assert.equal(await c.cache.lookup('a'), null);
    await c.cache.lookup('b');
    await c.cache.lookup('c');
    assert.equal(c.asked(), 4, 'a, a again, b, c');
  });

  it('asks Postgres once for the concurrent first requests of a key', async () => {
    const c = cacheWith([GRANT]);
    const grants = await Promise.all([1, 2, 3].map(() => c.cache.lookup('h')));
    assert.deepEqual(grants, [GRANT, GRANT, GRANT]);
    assert.equal(c.asked(), 1);
  });

  it('does not keep, nor share with later requests, a lookup under way when its key is revoked', async () => {
    let release!: () => void;
    const asked: string[] = [];
    const cache = new ApiKeyCache(
      async (hash) => {
        const first = asked.push(hash) === 1;
        if (first) await new Promise<void>((resolve) => (release = resolve));
        return first ? GRANT : null;
      },
      { ttlMs: 1000, unknownTtlMs: 500, max: 10, now: () => 0 },
    );
    const before = cache.lookup('h');
    await new Promise<void>((resolve) => setImmediate(resolve));
    cache.forget('h');
    assert.equal(await cache.lookup('h'), null, 'a request after the revocation asks again');
    release();
    assert.deepEqual(await before, GRANT, 'the request before it had its answer');
    assert.equal(await cache.lookup('h'), null, 'the older answer was not kept');
    assert.equal(asked.length, 2);
  });
});

describe('WindowLimiter', () => {
  it('allows `limit` per window per address, then says how long to wait', () => {
    let now = 0;
    const limiter = new WindowLimiter(2, 1000, 10, () => now);
    assert.equal(limiter.take('1.2.3.4'), 0);
    assert.equal(limiter.take('1.2.3.4'), 0);
    now = 250;
    assert.equal(limiter.take('1.2.3.4'), 750);
    assert.equal(limiter.take('5.6.7.8'), 0, 'another address has its own window');
    now = 1000;
    assert.equal(limiter.take('1.2.3.4'), 0);
  });

  it('keeps at most `max` addresses', () => {
    const limiter = new WindowLimiter(1, 1000, 3, () => 0);
    for (const a of ['a', 'b', 'c', 'd']) limiter.take(a);
    assert.equal(limiter.take('a'), 0, 'the oldest was forgotten to make room');
  });
});
