import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEnvelope } from './envelope.js';
import { TOPICS } from './topics.js';

const tenantId = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
const event = { eventId: 'e1', sessionId: 's1', seq: 3, kind: 'message', agent: { name: 'a' } };

describe('decodeEnvelope', () => {
  it('hands back the payload when the envelope holds, without checking the rest', () => {
    const record = { v: 1, tenantId, receivedAt: 1, event: { ...event, text: 'x' } };
    assert.deepEqual(decodeEnvelope(TOPICS.events, bytes(record)), { ok: true, value: record });
  });

  it('names what is wrong with the envelope', () => {
    const cases: Array<[unknown, string]> = [
      [{ v: 2, tenantId, event }, 'v'],
      [{ v: 1, tenantId: 'nope', event }, 'tenantId'],
      [{ v: 1, tenantId, event: { ...event, seq: -1 } }, 'event.seq'],
      [{ v: 1, tenantId, event: { ...event, sessionId: 5 } }, 'event.sessionId'],
      [[1], '(root)'],
    ];
    for (const [value, field] of cases) {
      const decoded = decodeEnvelope(TOPICS.events, bytes(value));
      assert.equal(decoded.ok ? '' : decoded.error.field, field, JSON.stringify(value));
    }
    const notJson = decodeEnvelope(TOPICS.verdicts, Buffer.from('{'));
    assert.equal(notJson.ok ? '' : notJson.error.message, 'not valid JSON');
    const empty = decodeEnvelope(TOPICS.guidance, null);
    assert.equal(empty.ok ? '' : empty.error.message, 'empty message');
    const verdict = decodeEnvelope(TOPICS.verdicts, bytes({ v: 1, tenantId, sessionId: 's' }));
    assert.equal(verdict.ok ? '' : verdict.error.field, 'verdictId');
  });
});
