import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer } from './coalescer.js';

class DataError extends Error {}
const isDataError = (error: unknown) => error instanceof DataError;
const settled = (promises: Promise<void>[]) =>
  Promise.allSettled(promises).then((results) =>
    results.map((r) => (r.status === 'fulfilled' ? 'ok' : String((r.reason as Error).message))),
  );

describe('Coalescer', () => {
  it('writes submissions that arrive during a write as one, in order, and resolves each', async () => {
    const written: number[][] = [];
    let release!: () => void;
    const coalescer = new Coalescer<number>(async (items) => {
      written.push(items);
      if (written.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = coalescer.submit([1]);
    const later = [coalescer.submit([2, 3]), coalescer.submit([4])];
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(written, [[1], [2, 3, 4]]);
  });

  it('starts as many writes at once as it may when one turn gathered more than one write holds', async () => {
    let running = 0;
    let most = 0;
    const written: number[][] = [];
    const coalescer = new Coalescer<number>(
      async (items) => {
        written.push(items);
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
      { gatherTurn: true, maxItems: 2, maxInFlight: 2 },
    );
    await Promise.all([[1, 2], [3, 4], [5], [6], [7, 8]].map((b) => coalescer.submit(b)));
    assert.deepEqual(written, [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]);
    assert.equal(most, 2);
  });

  it('fails every submission of a write that failed, and writes the next ones', async () => {
    let calls = 0;
    let release!: () => void;
    const coalescer = new Coalescer<number>(async () => {
      calls++;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      if (calls === 2) throw new Error('broker down');
    });
    const first = coalescer.submit([1]);
    const failing = [coalescer.submit([2]), coalescer.submit([3])];
    release();
    await first;
    for (const f of failing) await assert.rejects(f, /broker down/);
    await coalescer.submit([4]);
    assert.equal(calls, 3);
  });

  it('gathering the turn, submissions started together share the first write', async () => {
    const written: number[][] = [];
    const coalescer = new Coalescer<number>(async (items) => void written.push(items), {
      gatherTurn: true,
    });
    await Promise.all([coalescer.submit([1]), coalescer.submit([2]), coalescer.submit([3, 4])]);
    assert.deepEqual(written, [[1, 2, 3, 4]]);
  });

  it('puts no more than maxItems in a write, but never splits a submission', async () => {
    const written: number[][] = [];
    const coalescer = new Coalescer<number>(async (items) => void written.push(items), {
      gatherTurn: true,
      maxItems: 3,
    });
    await Promise.all([
      coalescer.submit([1, 2]),
      coalescer.submit([3]),
      coalescer.submit([4, 5, 6, 7]),
      coalescer.submit([8]),
    ]);
    assert.deepEqual(written, [[1, 2, 3], [4, 5, 6, 7], [8]]);
  });

  it('starts another write while fewer than maxInFlight are in flight', async () => {
    const started: number[][] = [];
    const releases: Array<() => void> = [];
    const coalescer = new Coalescer<number>(
      async (items) => {
        started.push(items);
        await new Promise<void>((r) => releases.push(r));
      },
      { maxInFlight: 2 },
    );
    const all = [coalescer.submit([1]), coalescer.submit([2]), coalescer.submit([3])];
    assert.deepEqual(started, [[1], [2]]);
    releases[0]();
    await all[0];
    assert.deepEqual(started, [[1], [2], [3]]);
    releases[1]();
    releases[2]();
    await Promise.all(all);
  });

  it('on a failure it may owe to one submission, writes each alone and fails only that one', async () => {
    const written: number[][] = [];
    const coalescer = new Coalescer<number>(
      async (items) => {
        written.push(items);
        if (items.includes(13)) throw new DataError('bad row 13');
      },
      { gatherTurn: true, retryAloneOn: isDataError },
    );
    const outcomes = await settled([
      coalescer.submit([1, 2]),
      coalescer.submit([13, 14]),
      coalescer.submit([3]),
    ]);
    assert.deepEqual(outcomes, ['ok', 'bad row 13', 'ok']);
    assert.deepEqual(written, [[1, 2, 13, 14, 3], [1, 2], [13, 14], [3]]);
  });

  it('fails every submission of a merged write whose failure is not one it may owe to one', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number>(
      async () => {
        calls++;
        throw new Error('connection refused');
      },
      { gatherTurn: true, retryAloneOn: isDataError },
    );
    const outcomes = await settled([coalescer.submit([1]), coalescer.submit([2])]);
    assert.deepEqual(outcomes, ['connection refused', 'connection refused']);
    assert.equal(calls, 1);
  });

  it('a lone submission failing with a data error fails once, without a second write', async () => {
    let calls = 0;
    const coalescer = new Coalescer<number>(
      async () => {
        calls++;
        throw new DataError('bad row');
      },
      { gatherTurn: true, retryAloneOn: isDataError },
    );
    await assert.rejects(coalescer.submit([1]), /bad row/);
    assert.equal(calls, 1);
  });
});
