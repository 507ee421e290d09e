import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventBatch, validate } from '@wink/contracts';
import { validateEventBatch } from '@wink/contracts/edge-validation.js';
import { contractEvent } from './harness/contract-arbitraries.js';

describe('validation at the edge', () => {
  it('accepts exactly what the zod contract accepts, and names the same field', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(contractEvent, { minLength: 1, maxLength: 4 }), (events) => {
        const edge = validateEventBatch({ events });
        const full = validate(EventBatch, { events });
        assert.equal(edge.ok, full.ok, JSON.stringify(full));
        if (!edge.ok && !full.ok) assert.deepEqual(edge.error, full.error);
        if (edge.ok && full.ok)
          assert.equal(JSON.stringify(edge.value), JSON.stringify(full.value));
        if (edge.ok) accepted++;
      }),
      { numRuns: 500 },
    );
    console.log(`edge validation agreed with the contract on 500 batches (${accepted} valid)`);
    assert.ok(accepted > 50, 'the generator produces valid batches too');
  });
});
