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

describe('redaction everywhere', () => {
  const base = {
    eventId: 'e1',
    sessionId: 's',
    seq: 1,
    ts: '2026-11-23T10:00:00Z',
    kind: 'tool_call' as const,
  };

  it('masks a secret nested 100 levels deep, in arrays and objects alike', () => {
    let args: unknown = { leaf: 'token=abcd1234efgh', list: ['Bearer abcdefghijklmnop123'] };
    for (let i = 0; i < 100; i++) args = i % 2 ? { level: args } : [args];
    const out = JSON.stringify(
      redactEvent({ ...base, agent: { name: 'a' }, tool: { name: 'Bash', args } }),
    );
    assert.ok(!out.includes('abcd1234efgh') && !out.includes('abcdefghijklmnop123'), out);
    assert.equal((out.match(/"level"/g) ?? []).length, 50, 'the nesting is kept');
  });

  it('masks secrets in object keys, tool names and agent fields', () => {
    const out = redactEvent({
      ...base,
      agent: {
        name: 'agent sk-proj-AbCdEfGhIjKlMnOpQrStUvWx',
        version: 'token=abcd1234efgh',
        model: 'AKIAIOSFODNN7EXAMPLE',
      },
      tool: {
        name: 'call ghp_0123456789abcdefghij0123456789abcd',
        args: { 'postgres://app:hunter2secret@db/prod': { 'password=hunter3secret': 1 } },
      },
    });
    const json = JSON.stringify(out);
    for (const secret of [
      'sk-proj-AbCd',
      'abcd1234efgh',
      'AKIAIOSFODNN7',
      'ghp_0123',
      'hunter2',
      'hunter3',
    ])
      assert.ok(!json.includes(secret), `${secret} leaked: ${json}`);
    assert.deepEqual(out.tool?.args, {
      'postgres://[REDACTED:credentials]@db/prod': { 'password=[REDACTED:password]': 1 },
    });
  });

  it('passes an event with nothing to mask on as it is, and finds a secret held by one key only', () => {
    const clean = {
      ...base,
      agent: { name: 'a', model: 'claude' },
      tool: { name: 'Bash', args: { command: 'ls src', flags: ['-la', { depth: 2 }] } },
    };
    assert.equal(redactEvent(clean), clean);
    const out = redactEvent({
      ...base,
      agent: { name: 'a' },
      tool: { name: 'Bash', args: { list: [{ ok: 1 }, { 'token=abcd1234efgh': 'x' }] } },
    });
    assert.deepEqual(out.tool?.args, { list: [{ ok: 1 }, { 'token=[REDACTED:password]': 'x' }] });
  });

  it('keeps `__proto__` keys as data, and redacted text within the field limits', () => {
    const args = JSON.parse('{"__proto__": {"polluted": "token=abcd1234efgh"}}');
    const out = redactEvent({
      ...base,
      agent: { name: 'a' },
      tool: { name: 'x', args },
      text: 'token=abcd '.repeat(6000),
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(out.tool!.args as object), ['__proto__']);
    assert.ok(out.text!.length <= 65_536);
  });

  it('redacts what crafted runs were built to slow down, the same as ordinary text', () => {
    assert.equal(
      redactSecrets(`${'a-'.repeat(5000)}x://u:p4ssword@h`),
      `${'a-'.repeat(5000)}x://[REDACTED:credentials]@h`,
    );
    assert.equal(redactSecrets(`${'eyJ-'.repeat(5000)}`), 'eyJ-'.repeat(5000));
    const unterminated = `ok\n${'-----BEGIN RSA PRIVATE KEY-----\n'.repeat(1000)}MIIE`;
    assert.equal(redactSecrets(unterminated), 'ok\n[REDACTED:private-key]');
    assert.equal(redactSecrets('akiaiosfodnn7example'), 'akiaiosfodnn7example');
  });
});
