import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handleIsolatingPoison } from './poison-isolation.js';

/** A Postgres data exception, as pg raises it for a value a column cannot hold. */
const dataError = (message: string) =>
  Object.assign(new Error(message), { code: '22003', name: 'error' });
/** A connection failure: the world's fault, not the message's. */
const connectionError = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

const options = { attempts: 3, backoffMs: () => 0, between: async () => undefined };

describe('handleIsolatingPoison', () => {
  it('sets aside only the poison message of a batch, after trying it alone, and handles the rest in order', async () => {
    const handled: number[] = [];
    const calls: number[][] = [];
    const poisoned = await handleIsolatingPoison(
      [1, 2, 3, 4, 5, 6, 7],
      async (slice) => {
        calls.push(slice);
        if (slice.includes(5)) throw dataError('value "2147483648" is out of range');
        handled.push(...slice);
      },
      options,
    );
    assert.deepEqual(handled, [1, 2, 3, 4, 6, 7]);
    assert.deepEqual(
      poisoned.map((p) => [p.message, p.attempts, (p.error as Error).message]),
      [[5, 3, 'value "2147483648" is out of range']],
    );
    assert.equal(calls.filter((c) => c.length === 1 && c[0] === 5).length, 3);
  });

  it('finds every poison message of a batch', async () => {
    const poisoned = await handleIsolatingPoison(
      [1, 2, 3, 4, 5, 6, 7, 8],
      async (slice) => {
        if (slice.some((n) => n % 3 === 0))
          throw new TypeError('cannot read properties of undefined');
      },
      options,
    );
    assert.deepEqual(
      poisoned.map((p) => p.message),
      [3, 6],
    );
  });

  it('keeps a message that fails once and then passes alone', async () => {
    let failures = 0;
    const poisoned = await handleIsolatingPoison(
      [1],
      async () => {
        if (failures++ === 0) throw dataError('flaky');
      },
      options,
    );
    assert.deepEqual(poisoned, []);
  });

  it('throws a transient failure instead of setting anything aside, even mid-bisection', async () => {
    await assert.rejects(
      handleIsolatingPoison(
        [1, 2],
        async () => {
          throw connectionError();
        },
        options,
      ),
      /ECONNREFUSED/,
    );
    let call = 0;
    await assert.rejects(
      handleIsolatingPoison(
        [1, 2, 3, 4],
        async () => {
          if (call++ === 0) throw dataError('bad value');
          throw connectionError();
        },
        options,
      ),
      /ECONNREFUSED/,
    );
  });

  it('passes on the messages a handler reports it can never handle', async () => {
    const poisoned = await handleIsolatingPoison(
      ['a', 'b'],
      async (slice) =>
        slice.filter((m) => m === 'b').map((message) => ({ message, error: 'x', attempts: 1 })),
      options,
    );
    assert.deepEqual(poisoned, [{ message: 'b', error: 'x', attempts: 1 }]);
  });

  it('stops when the batch goes stale between steps', async () => {
    await assert.rejects(
      handleIsolatingPoison(
        [1, 2],
        async () => {
          throw dataError('bad');
        },
        {
          ...options,
          between: async () => {
            throw new Error('stale');
          },
        },
      ),
      /stale/,
    );
  });
});
