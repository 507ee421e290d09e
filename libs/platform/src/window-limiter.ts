/**
 * At most `limit` events per key per `windowMs` (a fixed window): per client address for
 * unknown API keys, per tenant for requests. `take` returns the ms to wait, 0 when allowed.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly max = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): number {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (!w && this.windows.size >= this.max) this.evictExpired(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count > this.limit ? w.start + this.windowMs - now : 0;
  }

  private evictExpired(now: number): void {
    for (const [address, w] of this.windows)
      if (now - w.start >= this.windowMs) this.windows.delete(address);
    // Still full of live windows: forget the oldest rather than grow without bound.
    if (this.windows.size >= this.max) this.windows.delete(this.windows.keys().next().value!);
  }
}
