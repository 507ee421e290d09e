// Detector patterns cannot be made slow: none has a quantified group that itself contains a
// quantifier (the shape that backtracks exponentially or quadratically), and the rules read a
// capped prefix of agent-controlled text. Shown by construction, never by timing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERNS, recursiveForcedRmTargets } from './rules/destructive-action.js';
import { extractLedger, PATH_TOKEN, TASK_SCAN_MAX } from './task-ledger.js';
import { errorSignature, normaliseText, SIGNATURE_INPUT_MAX } from './signature.js';
import { REJECTION_MAX, REJECTION_PATTERNS, rejectsStep } from './rejection.js';
import { NOT_THROUGH } from './rules/rewrites.js';
import { SessionBuilder } from './testing/session-builder.js';
import { analyse } from './testing/analyse.js';

const MIB = 1 << 20;

/** Whether a pattern source has a quantified group containing a quantifier, e.g. `(a+)*`, `(?:x\/+)+`. */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let inner = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    const quantifier =
      c === '*' || c === '+' || (c === '{' && /^\{\d+,\d*\}/.test(source.slice(i)));
    if (c === '(') {
      stack.push(inner);
      inner = false;
    } else if (c === ')') {
      const groupHad: boolean = inner;
      inner = stack.pop() ?? false;
      const next = source[i + 1];
      const quantified =
        next === '*' || next === '+' || (next === '{' && /^\{\d+,\d*\}/.test(source.slice(i + 1)));
      if (quantified && groupHad) return true;
      inner ||= groupHad;
    } else if (quantifier) inner = true;
  }
  return false;
}

describe('regex safety', () => {
  it('the checker recognises nested quantifiers', () => {
    assert.equal(hasNestedQuantifier(String.raw`(?:[\w.-]+\/)+x`), true);
    assert.equal(hasNestedQuantifier('(a|a)*b'), false);
    assert.equal(hasNestedQuantifier('(a+)*'), true);
    assert.equal(hasNestedQuantifier(String.raw`\brm\s+[a-z]+`), false);
  });

  it('no destructive-action or task-ledger pattern nests quantifiers', () => {
    for (const p of [...PATTERNS.map((x) => x.re), PATH_TOKEN])
      assert.equal(hasNestedQuantifier(p.source), false, p.source);
  });

  it('no rejection or rewrite pattern nests quantifiers, and a long result is never scanned', () => {
    for (const p of [...REJECTION_PATTERNS, NOT_THROUGH])
      assert.equal(hasNestedQuantifier(p.source), false, p.source);
    const long = `${'x'.repeat(MIB)} is not precise. You may need to check the arguments.`;
    assert.equal(rejectsStep(long, ''), false);
    assert.equal(rejectsStep(long.slice(-REJECTION_MAX), ''), true);
  });

  it('`rm -rrrr…` of 1 MiB: flags are read token by token from a 512-character window', () => {
    const command = `rm -${'r'.repeat(MIB)}f /`;
    assert.equal(recursiveForcedRmTargets(command), null, 'the f past the window is not read');
    assert.equal(recursiveForcedRmTargets('rm -rf /srv/data'), '/srv/data');
    assert.equal(recursiveForcedRmTargets('rm -r -f ~/project'), '~/project');
    assert.equal(recursiveForcedRmTargets('rm -r src/old'), null);
    const s = new SessionBuilder().bash(command, { output: '' });
    assert.deepEqual(analyse(s.events), []);
  });

  it('a 1 MiB word run in the task: the ledger reads its first 16 KiB only', () => {
    const ledger = extractLedger(`Do not modify ${'a'.repeat(MIB)} src/core.py`);
    assert.deepEqual(ledger.paths, [], 'the path past the cap is not read');
    assert.ok(TASK_SCAN_MAX < MIB);
    assert.deepEqual(extractLedger('Do not modify src/core.py.').paths, ['src/core.py']);
  });

  it('signatures read a bounded prefix of 1 MiB outputs', () => {
    assert.ok(normaliseText(`${'9'.repeat(MIB)}`).length <= SIGNATURE_INPUT_MAX);
    const output = `${'x'.repeat(MIB)}\nValueError: bad value 42`;
    assert.match(errorSignature(output).label, /^ValueError/);
    const s = new SessionBuilder();
    for (let i = 0; i < 3; i++) s.bash('python run.py', { exitCode: 1, error: output });
    assert.deepEqual(
      analyse(s.events).map((f) => f.subtype),
      ['repeated_tool_error'],
    );
  });
});
