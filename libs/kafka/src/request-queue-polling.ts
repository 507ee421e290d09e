import { createRequire } from 'node:module';

/** KafkaJS' own interval for checking queued requests again (its CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_MS = 10;
/** The KafkaJS whose request queue this was written against. */
export const PATCHED_KAFKAJS = '2.2.4';

/** The fields and methods of KafkaJS 2.2.4's `RequestQueue` that the check reads. */
export interface RequestQueue {
  pending: unknown[];
  /** When client-side throttling ends, ms since the epoch (-1: never throttled). */
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/**
 * Stops KafkaJS 2.2.4 polling every broker connection's request queue once a millisecond. After
 * each check of its queue it arms the next one, and with nothing queued and no throttling its
 * delay is `-1 - Date.now()`, which Node runs as 1 ms: a timer armed and fired about a thousand
 * times a second per connection, for the life of the client (tulios/kafkajs#1556 and #1704; the
 * fix, #1667, is unreleased). Each idle service woke about 900 times a second. The check is still
 * armed whenever a request waits (for the throttle to end, or for an in-flight slot, as KafkaJS
 * does), and a throttle with nothing queued still ends with one check; only the empty,
 * unthrottled queue's timer goes. KafkaJS exports no API for this: its module is read as
 * `loadProtocolModules` reads its request table. Only KafkaJS 2.2.4's queue, whose fields this
 * reads, is changed; with any other version it returns false and changes nothing.
 */
export function stopIdleRequestQueuePolling(): boolean {
  const require = createRequire(import.meta.url);
  if ((require('kafkajs/package.json') as { version: string }).version !== PATCHED_KAFKAJS)
    return false;
  const { prototype } = require('kafkajs/src/network/requestQueue') as {
    prototype: RequestQueue;
  };
  prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.throttleCheckTimeoutId) return;
    const throttledFor = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && throttledFor <= 0) return;
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledFor > 0 ? throttledFor : CHECK_PENDING_MS,
    );
  };
  return true;
}
