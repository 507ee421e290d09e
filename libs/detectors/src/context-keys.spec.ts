import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContextKeys, hasFileExtension, normaliseKey } from './context-keys.js';
import { hex32 } from './fingerprint.js';

const EXTENSIONS =
  'py pyi ipynb ts tsx js jsx mjs cjs java kt scala go rs rb php c h cc cpp hpp cs swift m sh bash ps1 json yaml yml toml cfg ini conf env lock xml gradle properties md rst txt csv log sql html css scss vue svelte proto tf mk dockerfile gz zip tar jar whl png jpeg jpg svg pdf'.split(
    ' ',
  );

/** What a token of tool output must be, without a digit, `/`, `_` or `@`, to be kept. */
function keptFromOutput(name: string): boolean {
  const keys = new ContextKeys();
  keys.seeResult('', `see ${name} here`, 8192);
  return keys.has(name);
}

describe('names in tool output', () => {
  it('keeps a word with a file extension, in any case, as the extension pattern reads it', () => {
    for (const ext of EXTENSIONS) {
      for (const name of [`setup.${ext}`, `SETUP.${ext.toUpperCase()}`, `a.b.${ext}`]) {
        assert.equal(hasFileExtension(name), true, name);
        assert.equal(keptFromOutput(name), true, name);
      }
    }
  });

  it('passes over a word whose last part is no extension', () => {
    for (const name of [
      'container.add',
      'setup.pyc',
      'notes.mdx',
      'x.dockerfiles',
      'a.py-b',
      'end.',
      'set.up.py.bak',
    ]) {
      assert.equal(hasFileExtension(name), false, name);
      assert.equal(keptFromOutput(name), false, name);
    }
  });

  it('keeps a name with a digit, path separator, underscore or @, with its last part', () => {
    const keys = new ContextKeys();
    keys.seeResult('', 'open ./src/app/Main.java. then user_42 or ops@corp -- done', 8192);
    for (const name of ['src/app/Main.java', 'Main.java', 'user_42', 'ops@corp'])
      assert.equal(keys.has(name), true, name);
    assert.equal(keys.has('then'), false, 'a plain word of tool output is not kept');
  });
});

describe('hex of a 32-bit hash', () => {
  it('is what toString(16) gives for the unsigned value', () => {
    const values = [0, 1, 15, 16, 255, 256, 0x7fffffff, -0x80000000, -1, 0x0abcdef0];
    for (let i = 0; i < 64; i++) values.push(Math.imul(i + 1, 0x9e3779b1), 1 << (i % 32));
    for (const h of values) assert.equal(hex32(h), (h >>> 0).toString(16), String(h));
  });
});

describe('a key without the punctuation around it', () => {
  it('is what trimming every leading and trailing non-word character gives', () => {
    const trim = (key: string) => key.replace(/^[^A-Za-z0-9_]+|[^A-Za-z0-9_]+$/g, '');
    for (const key of [
      './src/a.py.',
      '#W2378156',
      'mia_li_3668',
      '',
      '...',
      '«é»',
      'aé',
      'éa',
      '\ud800x_1\udfff',
      '(`x`)',
    ])
      assert.equal(normaliseKey(key), trim(key), key);
  });
});
