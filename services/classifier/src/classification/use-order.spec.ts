import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UseOrder } from './use-order.js';

describe('UseOrder', () => {
  it('keeps values from least to most recently used through uses and removals', () => {
    const order = new UseOrder<string>();
    const a = order.append('a');
    const b = order.append('b');
    const c = order.append('c');
    order.use(a);
    assert.deepEqual([...order.values()], ['b', 'c', 'a']);
    order.use(a);
    order.remove(c);
    assert.deepEqual([...order.values()], ['b', 'a']);
    order.remove(b);
    order.use(a);
    assert.deepEqual([...order.values()], ['a']);
    assert.equal(order.size, 1);
    order.remove(a);
    assert.deepEqual([...order.values()], []);
    assert.equal(order.size, 0);
  });
});
