import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBatch, MAX_SEQ } from './trajectory-event.js';
import { VerdictV1 } from './messages.js';
import { TOPICS } from './topics.js';
import { decodeMessage, encodeMessage, validate, ContractViolation } from './validation.js';
import { deterministicUuid } from './ids.js';

const event = (over: Record<string, unknown> = {}) => ({
  eventId: 'e-1',
  sessionId: 's-1',
  seq: 1,
  ts: '2026-11-23T10:00:00Z',
  agent: { name: 'claude-code', model: 'claude-sonnet-4' },
  kind: 'tool_call',
  tool: { name: 'bash', args: { command: 'npm test' }, callId: 'c1' },
  ...over,
});

describe('EventBatch', () => {
  it('accepts a valid batch', () => {
    const result = validate(EventBatch, { events: [event(), event({ eventId: 'e-2', seq: 2 })] });
    assert.equal(result.ok, true);
  });

  it('names the first invalid field by path', () => {
    const events = [event(), event(), event(), event({ tool: { name: '' } })];
    const result = validate(EventBatch, { events });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.field, 'events[3].tool.name');
  });

  it('requires the part that a kind implies', () => {
    const result = validate(EventBatch, {
      events: [event({ kind: 'tool_result', tool: undefined })],
    });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.field, 'events[0].result');
  });

  it('rejects unknown fields, so a tenant cannot be smuggled in the body', () => {
    const result = validate(EventBatch, { events: [event({ tenantId: 'x' })] });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.field, 'events[0].tenantId');
  });

  it('accepts seq up to Number.MAX_SAFE_INTEGER and nothing beyond or below', () => {
    assert.equal(MAX_SEQ, Number.MAX_SAFE_INTEGER);
    assert.equal(validate(EventBatch, { events: [event({ seq: 0 })] }).ok, true);
    assert.equal(validate(EventBatch, { events: [event({ seq: 2 ** 31 })] }).ok, true);
    assert.equal(validate(EventBatch, { events: [event({ seq: MAX_SEQ })] }).ok, true);
    for (const seq of [MAX_SEQ + 1, 2 ** 63, -1, 1.5]) {
      const result = validate(EventBatch, { events: [event({ seq })] });
      assert.equal(result.ok, false, `seq ${seq}`);
      if (!result.ok) assert.equal(result.error.field, 'events[0].seq');
    }
  });

  it('bounds the seqs a verdict carries like the event seq', () => {
    const verdict = (over: Record<string, unknown>) => ({
      v: 1,
      verdictId: deterministicUuid('v'),
      tenantId: deterministicUuid('t'),
      sessionId: 's-1',
      category: 'reasoning_problem',
      subtype: 'repetitive_loop',
      confidence: 0.9,
      signature: 'sig',
      evidence: { fromSeq: MAX_SEQ - 1, toSeq: MAX_SEQ, reason: 'r' },
      detector: 'd',
      atSeq: MAX_SEQ,
      createdAt: 1,
      sourceReceivedAt: 1,
      ...over,
    });
    assert.equal(validate(VerdictV1, verdict({})).ok, true);
    const over = validate(
      VerdictV1,
      verdict({ evidence: { fromSeq: 0, toSeq: MAX_SEQ + 1, reason: 'r' } }),
    );
    assert.equal(over.ok, false);
    if (!over.ok) assert.equal(over.error.field, 'evidence.toSeq');
    assert.equal(validate(VerdictV1, verdict({ atSeq: MAX_SEQ + 1 })).ok, false);
  });

  it('rejects an empty batch and one over 1000 events', () => {
    assert.equal(validate(EventBatch, { events: [] }).ok, false);
    const many = Array.from({ length: 1001 }, (_, i) => event({ eventId: `e${i}` }));
    const result = validate(EventBatch, { events: many });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.field, 'events');
  });
});

describe('topic codec', () => {
  const tenantId = deterministicUuid('tenant');
  it('round-trips a valid record', () => {
    const record = { v: 1 as const, tenantId, receivedAt: 1, event: event() as never };
    const decoded = decodeMessage(TOPICS.events, encodeMessage(TOPICS.events, record));
    assert.deepEqual(decoded, { ok: true, value: record });
  });

  it('refuses to produce an invalid payload', () => {
    assert.throws(
      () => encodeMessage(TOPICS.events, { v: 1, tenantId: 'nope', receivedAt: 1 } as never),
      ContractViolation,
    );
  });

  it('reports bytes that are not JSON', () => {
    const decoded = decodeMessage(TOPICS.verdicts, Buffer.from('{oops'));
    assert.deepEqual(decoded, { ok: false, error: { field: '(root)', message: 'not valid JSON' } });
  });
});

describe('deterministicUuid', () => {
  it('is stable and shaped like a uuid', () => {
    const a = deterministicUuid('s', 1);
    assert.equal(a, deterministicUuid('s', 1));
    assert.notEqual(a, deterministicUuid('s', 2));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
