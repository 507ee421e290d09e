import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anyOf } from './any-of.js';
import { ContextKeys } from './context-keys.js';
import { fingerprint } from './fingerprint.js';
import { PATTERNS } from './rules/destructive-action.js';
import { asciiBytes } from './utf8.js';

const units = (text: string) => Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe('text read as bytes', () => {
  it('gives the units of a long ASCII range as bytes, and nothing for any other range', () => {
    const text = `${'ab1/_.'.repeat(40)}`;
    const bytes = asciiBytes(text, 5, 205);
    assert.deepEqual(Array.from(bytes!.subarray(0, 200)), units(text.slice(5, 205)));
    assert.equal(asciiBytes(text, 0, 20), null, 'a short range is read as it is');
    assert.equal(asciiBytes(`${text}é`, 0, text.length + 1), null);
    assert.equal(asciiBytes(`${text}\ud83d`, 0, text.length + 1), null, 'a lone surrogate');
  });

  it('hashes a long text the same whether it is ASCII-read or not', () => {
    // The same units, one string flat and one built piece by piece, give one fingerprint;
    // a non-ASCII unit changes it as any unit does.
    const text = 'ValueError: bad value 42 in /srv/app/main.py\n'.repeat(10);
    assert.equal(fingerprint(text), fingerprint([...text].join('')));
    assert.notEqual(fingerprint(text), fingerprint(text.replace('V', 'Ѵ')));
  });

  it('finds the names of tool output next to non-ASCII characters and beyond the head', () => {
    const keys = new ContextKeys();
    const head = `résumé→ order_4471€ “docs/SETUP.md” ${'λ '.repeat(5000)}`;
    keys.seeResult('', `${head}${'x'.repeat(20_000)} ticket T-99812`, 40_000);
    assert.equal(keys.has('order_4471'), true);
    assert.equal(keys.has('docs/SETUP.md'), true);
    assert.equal(keys.has('SETUP.md'), true);
    assert.equal(keys.has('T-99812'), true, 'the tail is read too');
    assert.equal(keys.has('order_4472'), false);
  });
});

describe('one pattern for many', () => {
  it('matches wherever one of the destructive-action patterns does, and nowhere else', () => {
    const any = anyOf(PATTERNS.map((p) => p.re));
    for (const command of [
      'DROP TABLE users',
      'truncate orders',
      'delete from users;',
      'git push origin main --force',
      'git reset --hard HEAD~1',
      'git clean -fd',
      'kubectl delete pod x',
      'terraform destroy',
      'helm uninstall app',
      'aws s3 rm s3://b --recursive',
      'dd if=/dev/zero of=/dev/sda',
      'docker system prune -a',
      'redis-cli -h x flushall',
    ]) {
      assert.ok(
        PATTERNS.some((p) => p.re.test(command)),
        command,
      );
      assert.ok(any.test(command), command);
    }
    assert.equal(any.test('{"reservation_id":"ZFA04Y","cabin":"economy"}'), false);
  });

  it('refuses patterns a case-folded union would not pre-check soundly', () => {
    for (const re of [/ab(?!c)/, /x[^a-z]y/, /(a)\1/i, /a/g, /a/s])
      assert.throws(() => anyOf([/rm/, re]), /cannot pre-check/, String(re));
    assert.doesNotThrow(() => anyOf([/ab(?!c)/i, /x[^;&|]y/]));
  });
});
