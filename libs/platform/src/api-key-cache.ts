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
  /** Lookups under way: the concurrent first requests of a key ask Postgres once. */
  private readonly asking = new Map<string, Promise<KeyGrant | null>>();
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
    const under = this.asking.get(keyHash);
    if (under) return under;
    const asking: Promise<KeyGrant | null> = this.fetch(keyHash).then(
      (grant) => {
        // A revocation heard meanwhile dropped this lookup: its answer may predate it.
        if (this.asking.get(keyHash) !== asking) return grant;
        this.asking.delete(keyHash);
        this.entries.delete(keyHash);
        if (this.entries.size >= this.options.max)
          this.entries.delete(this.entries.keys().next().value!);
        const ttl = grant ? this.options.ttlMs : this.options.unknownTtlMs;
        this.entries.set(keyHash, { grant, until: now + ttl });
        return grant;
      },
      (error: unknown) => {
        if (this.asking.get(keyHash) === asking) this.asking.delete(keyHash);
        throw new KeyCheckUnavailable(String(error));
      },
    );
    this.asking.set(keyHash, asking);
    return asking;
  }

  forget(keyHash: string): void {
    this.entries.delete(keyHash);
    this.asking.delete(keyHash);
  }

  clear(): void {
    this.entries.clear();
    this.asking.clear();
  }
}
