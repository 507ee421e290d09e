import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SEQ } from '@wink/contracts';
import { LATEST_NANOS, seqFromNanos } from './mapping.js';

describe('seqFromNanos', () => {
  const second = BigInt(Date.UTC(2026, 11, 1, 9, 0, 0)) * 1_000_000n;

  it('orders steps within one second by their microsecond', () => {
    const seqs = [0n, 1_000n, 250_000n, 999_999_000n].map((d) =>
      seqFromNanos(second + d, 'tool_call'),
    );
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      seqs,
    );
    assert.equal(new Set(seqs).size, seqs.length);
    assert.equal(seqs[1] - seqs[0], 4, 'one microsecond is four seqs');
  });

  it('orders the steps of one instant: answer, usage, tool call, its result', () => {
    const seqs = (['message', 'usage', 'tool_call', 'tool_result'] as const).map((kind) =>
      seqFromNanos(second, kind),
    );
    assert.deepEqual(
      seqs,
      [0, 1, 2, 3].map((i) => seqs[0] + i),
    );
    assert.ok(seqs[3] < seqFromNanos(second + 1_000n, 'task'), 'all before the next microsecond');
    assert.equal(
      seqFromNanos(second + 999n, 'message'),
      seqs[0],
      'finer than a microsecond is not told apart',
    );
  });

  it('stays an exact integer within MAX_SEQ for every accepted time', () => {
    const last = seqFromNanos(LATEST_NANOS - 1n, 'tool_result');
    assert.ok(Number.isSafeInteger(last) && last <= MAX_SEQ);
    assert.equal(seqFromNanos(0n, 'task'), 0, 'times before 2020 are clamped');
  });
});
