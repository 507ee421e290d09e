import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUBTYPES } from '@wink/contracts';
import { renderGuidance } from './templates.js';

describe('renderGuidance', () => {
  it('cites the evidence steps and the reason', () => {
    const text = renderGuidance({
      subtype: 'repetitive_loop',
      evidence: {
        fromSeq: 31,
        toSeq: 37,
        reason: 'ran `npm test` 4 times in a row and it failed each time',
      },
    });
    assert.match(text, /steps 31–37/);
    assert.match(text, /ran `npm test` 4 times in a row/);
    assert.match(text, /^\[Wink, a monitor watching this session, suggests\]/);
  });

  it('has a template for every subtype of the taxonomy', () => {
    for (const subtype of SUBTYPES) {
      const text = renderGuidance({
        subtype,
        evidence: { fromSeq: 4, toSeq: 4, reason: 'x happened' },
      });
      assert.match(text, /step 4\b/, subtype);
    }
  });
});
