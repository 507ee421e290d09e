/**
 * Per-tenant token buckets: `ratePerSec` events a second on average, bursts up to `burst`.
 * In memory, per ingest instance: with N instances behind a balancer a tenant gets up to N×.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens; returns 0 when allowed, else how many ms until it would be. */
  take(tenantId: string, cost: number): number {
    const now = this.now();
    const bucket = this.buckets.get(tenantId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSec,
    );
    bucket.at = now;
    this.buckets.set(tenantId, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.ceil(((Math.min(cost, this.burst) - bucket.tokens) / this.ratePerSec) * 1000);
  }
}
