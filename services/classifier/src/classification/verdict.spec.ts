import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validate, VerdictV1, type EventRecordV1 } from '@wink/contracts';
import { SessionWindow, type Finding } from '@wink/detectors';
import { toVerdict } from './verdict.js';

const record: EventRecordV1 = {
  v: 1,
  tenantId: '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11',
  receivedAt: 1_764_000_000_000,
  event: {
    eventId: 'e1',
    sessionId: 's1',
    seq: 7,
    ts: '2026-11-23T10:00:00Z',
    agent: { name: 'a' },
    kind: 'tool_call',
    tool: { name: 'x'.repeat(200) },
  },
};

const finding = (signature: string, reason: string): Finding => ({
  category: 'tool_call_failure',
  subtype: 'malformed_arguments',
  confidence: 0.9,
  signature,
  fromSeq: 7,
  toSeq: 7,
  reason,
  detector: 'tool-arguments',
});

describe('toVerdict', () => {
  it('clips signatures and reasons built from agent text to the verdict contract', () => {
    const long = finding(`args:unparseable:${'x'.repeat(200)}`, `bad ${'😀'.repeat(400)}`);
    const verdict = toVerdict(record, new SessionWindow(), long);
    assert.equal(
      validate(VerdictV1, verdict).ok,
      true,
      JSON.stringify(validate(VerdictV1, verdict)),
    );
    assert.equal(verdict.signature.length, 200);
    assert.ok(verdict.evidence.reason.length <= 500 && verdict.evidence.reason.isWellFormed());
  });

  it('keeps findings that differ only past the clip apart', () => {
    const a = toVerdict(record, new SessionWindow(), finding(`${'s'.repeat(200)}a`, 'r'));
    const b = toVerdict(record, new SessionWindow(), finding(`${'s'.repeat(200)}b`, 'r'));
    assert.notEqual(a.verdictId, b.verdictId);
  });
});
