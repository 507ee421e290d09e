export interface RefreshingCacheOptions<T> {
  /** How long a value is served before it is read again (in the background). */
  ttlMs: number;
  /**
   * How old a value may be and still serve while it is read again (default: any age); past it a
   * caller waits for the read, so a change reaches every caller within this long.
   */
  maxAgeMs?: number;
  /** Beyond this many keys, the least recently stored is dropped. */
  maxEntries: number;
  /** A failed read: the last value, or the fallback, keeps serving until the TTL tries again. */
  onError: (error: unknown) => void;
  /**
   * What a key never read serves when its first read fails. Without one, the first read's failure
   * is the caller's (nothing is stored, the next call reads again).
   */
  fallback?: { value: T };
  now?: () => number;
}

/**
 * Values read from Postgres, kept `ttlMs`. A value past it keeps serving while it is read again
 * in the background: a caller waits only for a key never read (or not read for `maxAgeMs`), and
 * then on the one read under way, never on a periodic reload while the key is in use (any wait
 * holds every partition of a consumer's fetch).
 */
export class RefreshingCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: RefreshingCacheOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  /** The key's value, old or not, if it was ever read. */
  get(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  /**
   * Starts a read of `key` if its value is missing or old; returns the read to wait for only when
   * there is no value to serve meanwhile (null otherwise).
   */
  refresh(key: string, read: () => Promise<T>, now = this.now()): Promise<void> | null {
    const entry = this.entries.get(key);
    const age = entry ? now - entry.at : Infinity;
    if (age < this.options.ttlMs) return null;
    const serves = age < (this.options.maxAgeMs ?? Infinity);
    let reading = this.reading.get(key);
    if (!reading) {
      // Dated from when the read began: the value is Postgres's as of then.
      const began = now;
      reading = read()
        .then(
          (value) => this.put(key, value, began),
          (error: unknown) => {
            this.options.onError(error);
            const last = this.entries.get(key);
            if (last) this.put(key, last.value, began);
            else if (this.options.fallback) this.put(key, this.options.fallback.value, began);
            else throw error;
          },
        )
        .finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
      // A background refresh's failure is reported through onError; nobody awaits it.
      if (serves) reading.catch(() => {});
    }
    return serves ? null : reading;
  }

  /** The key's value: the cached one (refreshed in the background when old) or its first read. */
  async value(key: string, read: () => Promise<T>): Promise<T> {
    const first = this.refresh(key, read);
    if (first) await first;
    return this.entries.get(key)!.value;
  }

  private put(key: string, value: T, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at });
    if (this.entries.size > this.options.maxEntries)
      this.entries.delete(this.entries.keys().next().value!);
  }
}
