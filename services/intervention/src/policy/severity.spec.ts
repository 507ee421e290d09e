import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialSeverity } from './severity.js';

describe('initialSeverity', () => {
  it('halts a destructive action in production or an unknown environment', () => {
    assert.equal(initialSeverity({ subtype: 'destructive_action', env: 'production' }), 'halt');
    assert.equal(initialSeverity({ subtype: 'destructive_action' }), 'halt');
  });

  it('nudges otherwise', () => {
    assert.equal(initialSeverity({ subtype: 'destructive_action', env: 'dev' }), 'nudge');
    assert.equal(initialSeverity({ subtype: 'repetitive_loop', env: 'production' }), 'nudge');
  });
});
