import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventRecordV1, type TrajectoryEvent } from '@wink/contracts';
import { eventMessages } from './event-records.js';

const event = (i: number, extra: Partial<TrajectoryEvent> = {}): TrajectoryEvent => ({
  eventId: `e${i}`,
  sessionId: `s${i % 2}`,
  seq: i,
  ts: '2026-11-23T10:00:00Z',
  agent: { name: 'a' },
  kind: 'message',
  text: 'hello "quoted" \u2028 ünïcode',
  ...extra,
});

describe('eventMessages', () => {
  it('writes one EventRecordV1 per event, keyed by session, that the contract accepts', () => {
    const tenantId = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
    const events = [event(0), event(1, { text: 'password=hunter2secret' })];
    const messages = eventMessages(tenantId, 1_764_000_000_000, events);
    assert.deepEqual(
      messages.map((m) => m.key),
      ['s0', 's1'],
    );
    const records = messages.map((m) => EventRecordV1.parse(JSON.parse(m.value.toString())));
    assert.deepEqual(records[0], {
      v: 1,
      tenantId,
      receivedAt: 1_764_000_000_000,
      event: events[0],
    });
    assert.equal(records[1].event.text, 'password=[REDACTED:password]');
  });
});
