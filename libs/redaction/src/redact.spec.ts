import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from './redact.js';
import { redactEvent } from './redact-event.js';

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

describe('redactEvent', () => {
  it('masks secrets in messages, tool arguments and tool output, and keeps the rest', () => {
    const event = {
      eventId: 'e1',
      sessionId: 's',
      seq: 3,
      ts: '2026-11-23T10:00:00Z',
      agent: { name: 'a' },
      kind: 'tool_result' as const,
      tool: {
        name: 'Bash',
        args: {
          command: 'psql postgres://admin:s3cretpass@db:5432/app',
          nested: ['token=abcd1234efgh'],
        },
      },
      result: {
        ok: true,
        output: 'OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
        error: 'Bearer abcdefghijklmnop123',
      },
    };
    const out = redactEvent(event);
    assert.equal(JSON.stringify(out).includes('s3cretpass'), false);
    assert.equal(JSON.stringify(out).includes('abcd1234efgh'), false);
    assert.equal(JSON.stringify(out).includes('sk-proj-'), false);
    assert.equal(JSON.stringify(out).includes('abcdefghijklmnop123'), false);
    assert.deepEqual(
      { ...out, tool: undefined, result: undefined },
      { ...event, tool: undefined, result: undefined },
    );
  });
});
