import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  stopIdleRequestQueuePolling,
  type RequestQueue as Checked,
} from './request-queue-polling.js';

interface Queue extends Checked {
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  destroy(): void;
}

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue') as new (
  options: object,
) => Queue;
const quiet = { debug: () => undefined, warn: () => undefined };
const newQueue = (maxInFlightRequests: number | null = null) =>
  new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'spec',
    broker: 'spec:9092',
    logger: quiet,
  });

/** A request whose `sent` resolves once a queue hands it to the socket. */
function request(correlationId: number) {
  let onSent!: () => void;
  const sent = new Promise<void>((r) => (onSent = r));
  const entry = { correlationId, resolve: () => undefined, reject: () => undefined };
  return { sent, pushed: { entry, expectResponse: true, sendRequest: () => onSent() } };
}

/** A patched queue throttled for `ms`, and a request pushed onto it meanwhile. */
function queuedBehindThrottle(ms: number) {
  stopIdleRequestQueuePolling();
  const queue = newQueue();
  queue.throttledUntil = Date.now() + ms;
  const { sent, pushed } = request(1);
  queue.push(pushed);
  assert.equal(queue.pending.length, 1, 'queued while throttled');
  assert.notEqual(queue.throttleCheckTimeoutId, null, 'its check is armed');
  return { queue, sent };
}

describe('stopIdleRequestQueuePolling', () => {
  it('leaves an empty, unthrottled queue without a timer, where KafkaJS re-arms one every millisecond', () => {
    const before = newQueue();
    before.checkPendingRequests();
    assert.notEqual(before.throttleCheckTimeoutId, null, "KafkaJS' own queue arms its next check");
    before.destroy();

    assert.equal(stopIdleRequestQueuePolling(), true);
    const queue = newQueue();
    queue.checkPendingRequests();
    assert.equal(queue.throttleCheckTimeoutId, null);
    queue.destroy();
  });

  it('still sends a request queued behind a throttle once the throttle ends', async () => {
    const { queue, sent } = queuedBehindThrottle(30);
    await sent;
    assert.equal(queue.pending.length, 0);
    assert.equal(queue.throttleCheckTimeoutId, null, 'nothing armed once it is sent');
    queue.destroy();
  });

  it('arms a check for a queued request even when its throttle has just ended (kafkajs#1532)', async () => {
    const { queue, sent } = queuedBehindThrottle(60_000);
    clearTimeout(queue.throttleCheckTimeoutId ?? undefined);
    queue.throttleCheckTimeoutId = null;
    queue.throttledUntil = -1;
    queue.scheduleCheckPendingRequests();
    assert.notEqual(queue.throttleCheckTimeoutId, null, 'a request waits: its check is armed');
    await sent;
    queue.destroy();
  });

  it('still sends a request queued behind the in-flight limit once a slot frees', async () => {
    stopIdleRequestQueuePolling();
    const queue = newQueue(1);
    const first = request(1);
    const second = request(2);
    queue.push(first.pushed);
    await first.sent;
    queue.push(second.pushed);
    assert.equal(queue.pending.length, 1, 'queued behind the one in flight');
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    await second.sent;
    assert.equal(queue.pending.length, 0);
    queue.destroy();
  });
});
