import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionWindows } from './session-windows.js';

describe('SessionWindows', () => {
  it('evicts the least recently used session beyond the bound', () => {
    const windows = new SessionWindows(2, 8);
    windows.create('a');
    windows.create('b');
    windows.get('a');
    windows.create('c');
    assert.equal(windows.size, 2);
    assert.ok(windows.get('a'));
    assert.equal(windows.get('b'), undefined);
    assert.ok(windows.get('c'));
  });
});
