import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProduceCoalescer } from './produce-coalescer.js';

describe('ProduceCoalescer', () => {
  it('sends batches that arrive during a produce as one, in order, and resolves each', async () => {
    const sent: number[][] = [];
    let release!: () => void;
    const coalescer = new ProduceCoalescer<number>(async (messages) => {
      sent.push(messages);
      if (sent.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = coalescer.submit([1]);
    const later = [coalescer.submit([2, 3]), coalescer.submit([4])];
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(sent, [[1], [2, 3, 4]]);
  });

  it('fails every batch of a produce that failed, and sends the next ones', async () => {
    let calls = 0;
    let release!: () => void;
    const coalescer = new ProduceCoalescer<number>(async () => {
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
});
