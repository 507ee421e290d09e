import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Request, RequestHandler, Response } from 'express';
import { inSequence } from './in-sequence.js';

const req = {} as Request;
const res = {} as Response;

/** Runs the sequence; resolves with what reached its `next` (undefined: passed through). */
function run(handler: RequestHandler): Promise<{ reached: boolean; error?: unknown }> {
  return new Promise((resolve) => {
    handler(req, res, (error?: unknown) => resolve({ reached: true, error }));
    setTimeout(() => resolve({ reached: false }), 50);
  });
}

describe('inSequence', () => {
  it('runs each middleware in order, also after one that calls next later, then passes on', async () => {
    const seen: string[] = [];
    const outcome = await run(
      inSequence(
        (_q, _s, next) => (seen.push('a'), next()),
        (_q, _s, next) => void setTimeout(() => (seen.push('b'), next()), 1),
        (_q, _s, next) => (seen.push('c'), next()),
      ),
    );
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(outcome, { reached: true, error: undefined });
  });

  it('stops at a middleware that answers without calling next', async () => {
    const seen: string[] = [];
    const outcome = await run(
      inSequence(
        () => void seen.push('answers'),
        () => void seen.push('never'),
      ),
    );
    assert.deepEqual(seen, ['answers']);
    assert.equal(outcome.reached, false);
  });

  it('hands an error, passed or thrown, to next and skips the rest', async () => {
    const failure = new Error('bad');
    const skipped: RequestHandler = () => assert.fail('ran after an error');
    assert.equal((await run(inSequence((_q, _s, next) => next(failure), skipped))).error, failure);
    const thrower: RequestHandler = () => {
      throw failure;
    };
    assert.equal((await run(inSequence(thrower, skipped))).error, failure);
  });
  it('passes a rejected async middleware to next', async () => {
    const failure = new Error('lookup failed');
    const outcome = await run(
      inSequence(async () => {
        throw failure;
      }),
    );
    assert.deepEqual(outcome, { reached: true, error: failure });
  });
});
