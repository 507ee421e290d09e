import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('masks the secrets agents leak into tool output', () => {
    const text = [
      'export OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
      'DATABASE_URL=postgres://app:hunter2secret@db.internal:5432/prod',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'curl -H "Authorization: Bearer abcdef1234567890abcdef" https://api',
      'password: correct-horse-battery',
      'token=ghp_0123456789abcdefghij0123456789abcd',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    ].join('\n');
    const out = redactSecrets(text);
    for (const secret of [
      'sk-proj-AbCd',
      'hunter2secret',
      'AKIAIOSFODNN7EXAMPLE',
      'abcdef1234567890abcdef',
      'correct-horse',
      'ghp_0123',
      'MIIEow',
    ]) {
      assert.ok(!out.includes(secret), `${secret} leaked:\n${out}`);
    }
    assert.match(out, /postgres:\/\/\[REDACTED:credentials\]@db\.internal/);
    assert.match(out, /password: \[REDACTED:password\]/);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Ran npm test: 12 passed. The token parser in src/lexer.ts handles keys.';
    assert.equal(redactSecrets(text), text);
  });
});
