import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  actionText,
  errorSignature,
  jaccard,
  lastValuesHash,
  normalisedHash,
  normalisedHashes,
  normaliseText,
  sketchText,
  SKETCH_SIZE,
} from './signature.js';

describe('normalised signatures', () => {
  it('fold quoting, whitespace, paths, numbers, hashes, timestamps and temp names', () => {
    assert.equal(
      normaliseText(`grep  -n "foo"   ./src//app.py:42 at 2024-05-13T10:00:01Z in 0.21s`),
      'grep -n foo src/app.py:# at <ts> in <t>',
    );
    assert.equal(
      normaliseText('git show 3f2a9c1d7e /tmp/tmpab12x9/out.txt'),
      'git show <hex> /tmp/<tmp>/out.txt',
    );
    assert.equal(normaliseText('ls a/b/ '), 'ls a/b');
    assert.equal(normaliseText('expected 3 to equal 4', 100, 'none'), 'expected 3 to equal 4');
    assert.equal(
      normaliseText('File "x.py", line 12, in f', 100, 'positions'),
      'file x.py, line #, in f',
    );
    assert.equal(
      normalisedHash('pytest  "tests/test_x.py"'),
      normalisedHash('pytest tests/test_x.py'),
    );
  });

  it('fold a text alike whether its units are read as bytes (all ASCII) or one by one', () => {
    // A no-break space folds as a space does, and makes the text not ASCII.
    const long = `ls  -la ./src//app.py:42 at 2024-05-13T10:00:01Z in 0.21s deadbeef01 `.repeat(6);
    for (const text of [long, long.slice(0, 40)]) {
      const wide = text.replace('  ', ' \u00a0');
      assert.equal(normalisedHash(wide), normalisedHash(text));
      assert.equal(normaliseText(wide), normaliseText(text));
      assert.notEqual(normalisedHash(`${text}é`), normalisedHash(text));
    }
  });

  it('give the numbers-masked and the numbers-kept hash from one pass', () => {
    const masked = normalisedHashes('ls 5 "a"');
    const values = lastValuesHash();
    assert.equal(masked, normalisedHash('ls 7 a'));
    assert.equal(values, normalisedHash('ls 5 a', 2048, 'none'));
  });

  it('compare by token-set similarity, bounded by the sketch', () => {
    const a = new Int32Array(SKETCH_SIZE);
    const b = new Int32Array(SKETCH_SIZE);
    const sim = (x: string, y: string) =>
      jaccard(a, 0, sketchText(x, a, 0), b, 0, sketchText(y, b, 0));
    assert.equal(sim('pytest tests/test_x.py -q', 'pytest tests/test_x.py -q'), 1);
    assert.ok(sim('Bash pytest tests/test_x.py', 'Bash pytest tests/test_x.py -q') >= 0.75);
    assert.ok(sim('Bash cat a.py', 'Bash cat b.py') < 0.75);
    const long = Array.from({ length: 200 }, (_, i) => `w${i}x`).join(' ');
    assert.equal(sketchText(long, a, 0), SKETCH_SIZE);
  });

  it('reads call arguments as keys and values, key order ignored', () => {
    assert.equal(
      normalisedHash(actionText('Read', { path: 'a.py', limit: 10 })),
      normalisedHash(actionText('Read', { limit: 20, path: './a.py' })),
    );
  });
});

describe('error signatures', () => {
  it('are the same across timings, addresses and traceback line numbers', () => {
    const a = errorSignature(
      'Traceback (most recent call last):\n  File "app.py", line 14, in run\nKeyError: \'user\' at 0x7f3a\nRan in 0.2s',
    );
    const b = errorSignature(
      'Traceback (most recent call last):\n  File "app.py", line 19, in run\nKeyError: \'user\' at 0x99aa\nRan in 1.4s',
    );
    assert.equal(a.hash, b.hash);
    assert.match(a.label, /^KeyError/);
  });

  it('keep what distinguishes failures: the values compared, a syntax error’s position', () => {
    assert.notEqual(
      errorSignature('AssertionError: expected 3 to equal 4').hash,
      errorSignature('AssertionError: expected 2 to equal 4').hash,
    );
    const at = (line: number) =>
      errorSignature(
        `  File "a.py", line ${line}\n    def f(\n        ^\nSyntaxError: invalid syntax`,
      );
    assert.notEqual(at(3).hash, at(9).hash);
    assert.equal(at(3).syntax, true);
    assert.equal(errorSignature('all good').hash, 0);
  });
});
