import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TrajectoryEvent } from '@wink/contracts';
import { StepRecorder } from './step-recorder.js';
import { verifyWebhookSignature } from './webhook-signature.js';
import { createHmac } from 'node:crypto';

const event = (seq: number) => ({ eventId: `e${seq}`, seq }) as unknown as TrajectoryEvent;

describe('StepRecorder', () => {
  it('never throws to the agent; keeps events while Wink is down and sends them in order once it is back', async () => {
    let up = false;
    const sent: number[] = [];
    const recorder = new StepRecorder(
      {
        record: async (events) => {
          if (!up) throw new Error('ECONNREFUSED');
          sent.push(...events.map((e) => e.seq));
          return events.length;
        },
      },
      { flushMs: 10_000, batchSize: 2 },
    );
    for (let i = 0; i < 5; i++) recorder.record(event(i));
    await recorder.flush();
    assert.equal(recorder.counters.failedSends, 1);
    assert.equal(recorder.counters.buffered, 5);
    up = true;
    await recorder.close(1000);
    assert.deepEqual(sent, [0, 1, 2, 3, 4]);
    assert.equal(recorder.counters.sent, 5);
  });

  it('drops the oldest events, counted, when the buffer is full', async () => {
    const recorder = new StepRecorder(
      { record: async () => 0 },
      { maxBuffered: 3, flushMs: 10_000 },
    );
    for (let i = 0; i < 5; i++) recorder.record(event(i));
    assert.deepEqual(recorder.counters, { sent: 0, dropped: 2, failedSends: 0, buffered: 3 });
    await recorder.close(0);
  });
});

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_0123456789abcdef';
  const body = '{"type":"guidance"}';
  const now = 1_795_000_000_000;
  const sign = (t: number, b = body) =>
    `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${b}`).digest('hex')}`;

  it('accepts a fresh signature over the exact body', () => {
    assert.equal(verifyWebhookSignature(secret, sign(now), body, 300_000, now), true);
  });

  it('refuses a changed body, a wrong secret, an old timestamp and a malformed header', () => {
    assert.equal(verifyWebhookSignature(secret, sign(now), `${body} `, 300_000, now), false);
    assert.equal(
      verifyWebhookSignature('another-secret-123', sign(now), body, 300_000, now),
      false,
    );
    assert.equal(verifyWebhookSignature(secret, sign(now - 600_000), body, 300_000, now), false);
    assert.equal(verifyWebhookSignature(secret, 'v1=abc', body, 300_000, now), false);
  });
});
