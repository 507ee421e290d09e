import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks a `Wink-Signature: t=<unix ms>,v1=<hex>` header against the raw body: the HMAC-SHA256
 * of `<t>.<body>` under the webhook secret, and a timestamp within `toleranceMs` (replays of old
 * deliveries are refused).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  toleranceMs = 5 * 60_000,
  now = Date.now(),
): boolean {
  const match = header ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now - timestamp) > toleranceMs) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
