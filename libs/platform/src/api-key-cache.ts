import type { KeyGrant } from '@wink/persistence';

/** Postgres could not be asked and no unexpired answer is cached: the caller should retry. */
export class KeyCheckUnavailable extends Error {}

export interface ApiKeyCacheOptions {
  /** How long a key's grant is trusted without asking again (revocations arrive by NOTIFY). */
  ttlMs: number;
  /** How long an unknown key is remembered as unknown. */
  unknownTtlMs: number;
  max: number;
  now?: () => number;
}

/**
 * Key hash → grant (or "unknown"), each for a bounded time. When Postgres cannot be asked, an
 * unexpired answer is used and an expired one is not: a revoked key never outlives its entry.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { grant: KeyGrant | null; until: number }>();
  private readonly now: () => number;

  constructor(
    private readonly fetch: (keyHash: string) => Promise<KeyGrant | null>,
    private readonly options: ApiKeyCacheOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async lookup(keyHash: string): Promise<KeyGrant | null> {
    const now = this.now();
    const hit = this.entries.get(keyHash);
    if (hit && hit.until > now) return hit.grant;
    let grant: KeyGrant | null;
    try {
      grant = await this.fetch(keyHash);
    } catch (error) {
      throw new KeyCheckUnavailable(String(error));
    }
    this.entries.delete(keyHash);
    if (this.entries.size >= this.options.max)
      this.entries.delete(this.entries.keys().next().value!);
    const ttl = grant ? this.options.ttlMs : this.options.unknownTtlMs;
    this.entries.set(keyHash, { grant, until: now + ttl });
    return grant;
  }

  forget(keyHash: string): void {
    this.entries.delete(keyHash);
  }

  clear(): void {
    this.entries.clear();
  }
}
