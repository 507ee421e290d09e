import { SessionWindow } from '@wink/detectors';

/**
 * The windows of the sessions this worker owns, least recently used evicted first. A tenant
 * holds at most `maxPerTenant` of them: beyond that its own least recently used goes, so one
 * tenant opening sessions by the thousand cannot evict every other tenant's. Windows of the
 * batches being classified are pinned: evicting one between its rebuild and its events (another
 * session of the batch, or a concurrent partition's batch, needing room) would classify the rest
 * of that session from an empty window. While pinned windows fill a cap, it is exceeded; the
 * next window made after they are released brings it back.
 */
export class SessionWindows {
  private readonly windows = new Map<string, SessionWindow>();
  /** Per tenant, its keys in least-recently-used order. */
  private readonly byTenant = new Map<string, Set<string>>();
  /** Keys in use by batches being classified, with how many batches use each. */
  private readonly pinned = new Map<string, number>();
  /** The events partition each window's session is read from. */
  private readonly partitionOf = new Map<string, number>();

  constructor(
    private readonly maxSessions: number,
    private readonly windowCapacity: number,
    private readonly maxPerTenant: number,
    private readonly tenantOf: (key: string) => string,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  /** How many windows the tenant holds. */
  heldBy(tenantId: string): number {
    return this.byTenant.get(tenantId)?.size ?? 0;
  }

  pin(keys: Iterable<string>): void {
    for (const key of keys) this.pinned.set(key, (this.pinned.get(key) ?? 0) + 1);
  }

  unpin(keys: Iterable<string>): void {
    for (const key of keys) {
      const uses = this.pinned.get(key) ?? 0;
      if (uses <= 1) this.pinned.delete(key);
      else this.pinned.set(key, uses - 1);
    }
  }

  /** Whether the session has a window, without counting this as a use. */
  has(key: string): boolean {
    return this.windows.has(key);
  }

  get(key: string): SessionWindow | undefined {
    const window = this.windows.get(key);
    if (window) {
      this.windows.delete(key);
      this.windows.set(key, window);
      const own = this.byTenant.get(this.tenantOf(key))!;
      own.delete(key);
      own.add(key);
    }
    return window;
  }

  create(key: string, partition: number): SessionWindow {
    const window = new SessionWindow(this.windowCapacity);
    const tenantId = this.tenantOf(key);
    this.evict(key);
    this.partitionOf.set(key, partition);
    const own = this.byTenant.get(tenantId) ?? new Set<string>();
    this.byTenant.set(tenantId, own);
    this.trim(own, this.maxPerTenant - 1);
    this.windows.set(key, window);
    own.add(key);
    this.trim(this.windows, this.maxSessions);
    return window;
  }

  /** Forgets every window of the partition's sessions. */
  evictPartition(partition: number): void {
    const victims: string[] = [];
    for (const [key, p] of this.partitionOf) if (p === partition) victims.push(key);
    for (const key of victims) this.evict(key);
  }

  /** Evicts the least recently used unpinned keys of `held` until it holds at most `max`. */
  private trim(held: { size: number; keys(): Iterable<string> }, max: number): void {
    if (held.size <= max) return;
    const victims: string[] = [];
    for (const key of held.keys()) {
      if (held.size - victims.length <= max) break;
      if (!this.pinned.has(key)) victims.push(key);
    }
    for (const key of victims) this.evict(key);
  }

  private evict(key: string): void {
    if (!this.windows.delete(key)) return;
    this.partitionOf.delete(key);
    const tenantId = this.tenantOf(key);
    const own = this.byTenant.get(tenantId);
    own?.delete(key);
    if (own?.size === 0) this.byTenant.delete(tenantId);
  }
}
