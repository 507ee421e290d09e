import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { warmUpEventPath } from './warm-up.js';

describe('warmUpEventPath', () => {
  it('takes the synthetic sessions through validation and encoding, as a posted batch', () => {
    assert.ok(warmUpEventPath(2) > 0);
  });
});
