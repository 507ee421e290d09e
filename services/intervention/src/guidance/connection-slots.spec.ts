import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionSlots } from './connection-slots.js';

describe('ConnectionSlots', () => {
  it("caps each tenant's share and gives a slot back once", () => {
    const slots = new ConnectionSlots(2);
    const a1 = slots.acquire('a')!;
    assert.ok(slots.acquire('a'));
    assert.equal(slots.acquire('a'), null, 'a holds its share');
    assert.ok(slots.acquire('b'), 'b is not affected');
    a1();
    a1();
    assert.ok(slots.acquire('a'), 'one slot back');
    assert.equal(slots.acquire('a'), null, 'released twice counts once');
  });
});
