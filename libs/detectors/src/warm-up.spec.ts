import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrajectoryEvent } from '@wink/contracts';
import { syntheticSessions, warmUpDetectors } from './warm-up.js';

describe('warmUpDetectors', () => {
  it('runs the detectors over a looping session they flag and a clean one they do not', () => {
    const found = warmUpDetectors(2);
    assert.ok(found.looping > 0, 'the looping session reaches the findings path');
    assert.equal(found.clean, 0);
  });

  it('warms up on events within the contract', () => {
    const { looping, clean } = syntheticSessions('s');
    for (const event of [...looping, ...clean])
      assert.equal(TrajectoryEvent.safeParse(event).success, true, JSON.stringify(event));
  });
});
