import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS } from './topics.js';
import { decodeEnvelope } from './envelope.js';

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const record = {
  v: 1,
  tenantId: '6f1c2a8e-3b1d-4c55-9a4e-2d7f7c1b9e10',
  receivedAt: 1,
  event: {
    eventId: 'e1',
    sessionId: 's1',
    seq: 2147483648,
    ts: '2026-11-23T10:00:00Z',
    agent: { name: 'a' },
    kind: 'message',
    text: 'a\u0000b',
  },
};

describe('decodeEnvelope', () => {
  it('accepts a message whose envelope is whole, without checking its body against the contract', () => {
    const decoded = decodeEnvelope(TOPICS.events, bytes(record));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.event.seq, 2147483648);
  });

  it('names the first envelope field that is missing or of the wrong type', () => {
    const { eventId: _id, ...event } = record.event;
    assert.deepEqual(decodeEnvelope(TOPICS.events, bytes({ ...record, event })), {
      ok: false,
      error: { field: 'event.eventId', message: 'expected a string' },
    });
    assert.deepEqual(decodeEnvelope(TOPICS.events, bytes({ ...record, event: [] })), {
      ok: false,
      error: { field: 'event', message: 'expected an object' },
    });
    assert.deepEqual(decodeEnvelope(TOPICS.verdicts, bytes({ v: 2 })), {
      ok: false,
      error: { field: 'v', message: 'expected version 1' },
    });
  });

  it('refuses bytes that are not a JSON object', () => {
    for (const [value, message] of [
      [Buffer.from('{not json'), 'not valid JSON'],
      [Buffer.from('[1]'), 'expected an object'],
      [null, 'empty message'],
    ] as const)
      assert.deepEqual(decodeEnvelope(TOPICS.events, value), {
        ok: false,
        error: { field: '(root)', message },
      });
  });
});
