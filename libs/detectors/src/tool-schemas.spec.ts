import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ToolSchemas } from './tool-schemas.js';

describe('ToolSchemas on tenant-supplied schemas', () => {
  it('runs patterns on RE2, so a pattern exponential for backtracking answers at once', () => {
    const tools = new ToolSchemas({
      Probe: { type: 'object', properties: { q: { type: 'string', pattern: '^(a|a)*$' } } },
    });
    assert.equal(tools.check('Probe', { q: 'a'.repeat(5000) }), null);
    assert.deepEqual(tools.check('Probe', { q: `${'a'.repeat(100_000)}!` }), {
      path: 'q',
      message: 'must match pattern "^(a|a)*$"',
    });
  });

  it('refuses patterns RE2 cannot run in linear time (lookaround, backreferences)', () => {
    for (const pattern of ['(?=a)a', '(a)\\1'])
      assert.throws(() => new ToolSchemas({ x: { type: 'string', pattern } }));
  });

  it('does not enforce uniqueItems, which is quadratic on arrays of objects', () => {
    const tools = new ToolSchemas({ x: { type: 'array', uniqueItems: true } });
    assert.equal(
      tools.check(
        'x',
        Array.from({ length: 3 }, () => ({ same: 1 })),
      ),
      null,
    );
  });
});
