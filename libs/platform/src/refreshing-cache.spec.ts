import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshingCache, type RefreshingCacheOptions } from './refreshing-cache.js';

/** A read the test resolves or rejects when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function cache(options: Partial<RefreshingCacheOptions<string>> = {}) {
  let now = 0;
  const errors: unknown[] = [];
  const c = new RefreshingCache<string>({
    ttlMs: 1000,
    maxEntries: 10,
    onError: (error) => errors.push(error),
    now: () => now,
    ...options,
  });
  return { c, errors, tick: (ms: number) => (now += ms) };
}

describe('RefreshingCache', () => {
  it('waits for a key never read, once for concurrent callers', async () => {
    const { c } = cache();
    const read = deferred<string>();
    let reads = 0;
    const load = () => (reads++, read.promise);
    const first = c.value('t1', load);
    const second = c.value('t1', load);
    assert.equal(c.get('t1'), undefined);
    read.resolve('v1');
    assert.deepEqual(await Promise.all([first, second]), ['v1', 'v1']);
    assert.equal(reads, 1);
  });

  it('serves an old value while it is read again, then the new one', async () => {
    const { c, tick } = cache();
    await c.value('t1', async () => 'v1');
    tick(1000);
    const reread = deferred<string>();
    assert.equal(await c.value('t1', () => reread.promise), 'v1', 'the reload does not block');
    reread.resolve('v2');
    await reread.promise;
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(await c.value('t1', async () => 'unused'), 'v2');
  });

  it('does not read again while the value is fresh', async () => {
    const { c, tick } = cache();
    await c.value('t1', async () => 'v1');
    tick(999);
    assert.equal(
      c.refresh('t1', async () => 'v2'),
      null,
    );
    assert.equal(c.get('t1'), 'v1');
  });

  it('makes a caller wait for the read once the value is older than maxAgeMs', async () => {
    const { c, tick } = cache({ maxAgeMs: 2000 });
    await c.value('t1', async () => 'v1');
    tick(1999);
    assert.equal(await c.value('t1', async () => 'v2'), 'v1', 'served while read again');
    await new Promise<void>((resolve) => setImmediate(resolve));
    tick(2000);
    const reread = deferred<string>();
    const waiting = c.value('t1', () => reread.promise);
    reread.resolve('v3');
    assert.equal(await waiting, 'v3');
  });

  it('keeps the last value when a reload fails, and reports the failure', async () => {
    const { c, errors, tick } = cache();
    await c.value('t1', async () => 'v1');
    tick(1000);
    assert.equal(
      await c.value('t1', async () => {
        throw new Error('postgres down');
      }),
      'v1',
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal((errors[0] as Error).message, 'postgres down');
    assert.equal(
      c.refresh('t1', async () => 'v2'),
      null,
      'tried again only after the TTL',
    );
  });

  it('hands a failed first read to the caller when there is no fallback, and reads again next time', async () => {
    const { c, errors } = cache();
    await assert.rejects(
      c.value('t1', async () => {
        throw new Error('postgres down');
      }),
      /postgres down/,
    );
    assert.equal(errors.length, 1);
    assert.equal(await c.value('t1', async () => 'v1'), 'v1');
  });

  it('serves the fallback when a first read fails and one is given', async () => {
    const { c } = cache({ fallback: { value: 'defaults' } });
    assert.equal(
      await c.value('t1', async () => {
        throw new Error('postgres down');
      }),
      'defaults',
    );
  });

  it('drops the least recently stored key beyond maxEntries', async () => {
    const { c } = cache({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) await c.value(key, async () => key);
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('b'), 'b');
    assert.equal(c.get('c'), 'c');
  });
});
