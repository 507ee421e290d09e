import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MinHeap } from './min-heap.js';

describe('MinHeap', () => {
  it('gives its numbers back least first, whatever order they came in', () => {
    const heap = new MinHeap();
    const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 101);
    for (const v of values) heap.push(v);
    assert.equal(heap.size, 200);
    assert.equal(heap.peek(), 0);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    assert.deepEqual(
      out,
      [...values].sort((a, b) => a - b),
    );
    assert.equal(heap.pop(), undefined);
  });
});
