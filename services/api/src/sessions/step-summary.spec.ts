import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrajectoryEvent } from '@wink/contracts';
import { summariseStep } from './step-summary.js';

const base = {
  eventId: 'e',
  sessionId: 's',
  seq: 3,
  ts: '2026-11-23T10:00:00Z',
  agent: { name: 'a' },
} as const;

describe('summariseStep', () => {
  it('names the tool and its arguments of a call', () => {
    const e = {
      ...base,
      kind: 'tool_call',
      tool: { name: 'bash', args: { command: 'npm test' }, callId: 'c1' },
    };
    assert.equal(summariseStep(e as TrajectoryEvent), 'bash {"command":"npm test"}');
  });

  it('gives a failed result its exit code and error, clipped to one line', () => {
    const e = {
      ...base,
      kind: 'tool_result',
      result: { callId: 'c1', ok: false, exitCode: 1, error: `FAILED\n${'x'.repeat(400)}` },
    };
    const line = summariseStep(e as TrajectoryEvent);
    assert.match(line, /^failed \(exit 1\): FAILED x+…$/);
    assert.equal(line.length, 160);
  });

  it('counts tokens of a usage step and shows a message text', () => {
    const usage = { ...base, kind: 'usage', usage: { inputTokens: 1200, outputTokens: 80 } };
    assert.equal(summariseStep(usage as TrajectoryEvent), '1200 in / 80 out tokens');
    const message = { ...base, kind: 'message', role: 'assistant', text: 'All   tests\npass.' };
    assert.equal(summariseStep(message as TrajectoryEvent), 'All tests pass.');
  });
});
