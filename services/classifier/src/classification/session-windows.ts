import { SessionWindow } from '@wink/detectors';
import { UseOrder, type Place } from './use-order.js';

/**
 * Why a window was dropped: the worker's bound (`capacity`), its tenant's share (`tenant`), or its
 * partition having been held by another worker meanwhile (`partition`).
 */
export type EvictionReason = 'capacity' | 'tenant' | 'partition';

interface Held {
  window: SessionWindow;
  /** The events partition the session is read from. */
  partition: number;
  /** Its tenant's keys in use order, and its places in that and in the order of all keys. */
  own: UseOrder<string>;
  inOwn: Place<string>;
  inAll: Place<string>;
}

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
  private readonly held = new Map<string, Held>();
  /** Every key, in least-recently-used order. */
  private readonly all = new UseOrder<string>();
  /** Per tenant, its keys in least-recently-used order. */
  private readonly byTenant = new Map<string, UseOrder<string>>();
  /** Keys in use by batches being classified, with how many batches use each. */
  private readonly pinned = new Map<string, number>();

  constructor(
    private readonly maxSessions: number,
    private readonly windowCapacity: number,
    private readonly maxPerTenant: number,
    private readonly tenantOf: (key: string) => string,
    private readonly onEvicted: (reason: EvictionReason) => void = () => undefined,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** How many windows the tenant holds. */
  heldBy(tenantId: string): number {
    return this.byTenant.get(tenantId)?.size ?? 0;
  }

  /**
   * Pins the windows a batch uses (each key once) and makes them the most recently used: their
   * use is counted once per batch rather than at every event.
   */
  pin(keys: Iterable<string>): void {
    for (const key of keys) {
      this.pinned.set(key, (this.pinned.get(key) ?? 0) + 1);
      const held = this.held.get(key);
      if (!held) continue;
      this.all.use(held.inAll);
      held.own.use(held.inOwn);
    }
  }

  unpin(keys: Iterable<string>): void {
    for (const key of keys) {
      const uses = this.pinned.get(key) ?? 0;
      if (uses <= 1) this.pinned.delete(key);
      else this.pinned.set(key, uses - 1);
    }
  }

  has(key: string): boolean {
    return this.held.has(key);
  }

  /** The session's window, without counting this as a use (`pin` does). */
  get(key: string): SessionWindow | undefined {
    return this.held.get(key)?.window;
  }

  create(key: string, partition: number): SessionWindow {
    const window = new SessionWindow(this.windowCapacity);
    const tenantId = this.tenantOf(key);
    this.evict(key);
    const own = this.byTenant.get(tenantId) ?? new UseOrder<string>();
    this.trim(own, this.maxPerTenant - 1, 'tenant');
    // After the trim, which forgets the tenant if it evicted every key it held.
    this.byTenant.set(tenantId, own);
    this.held.set(key, {
      window,
      partition,
      own,
      inOwn: own.append(key),
      inAll: this.all.append(key),
    });
    this.trim(this.all, this.maxSessions, 'capacity');
    return window;
  }

  /** Forgets every window of the partition's sessions. */
  evictPartition(partition: number): void {
    const victims: string[] = [];
    for (const [key, held] of this.held) if (held.partition === partition) victims.push(key);
    for (const key of victims) this.evict(key, 'partition');
  }

  /** Evicts the least recently used unpinned keys of `order` until it holds at most `max`. */
  private trim(order: UseOrder<string>, max: number, reason: EvictionReason): void {
    if (order.size <= max) return;
    const victims: string[] = [];
    for (const key of order.values()) {
      if (order.size - victims.length <= max) break;
      if (!this.pinned.has(key)) victims.push(key);
    }
    for (const key of victims) this.evict(key, reason);
  }

  /** Drops the key's window; `reason` is reported unless the key is being replaced. */
  private evict(key: string, reason?: EvictionReason): void {
    const held = this.held.get(key);
    if (!held) return;
    if (reason) this.onEvicted(reason);
    this.held.delete(key);
    this.all.remove(held.inAll);
    held.own.remove(held.inOwn);
    if (held.own.size === 0) this.byTenant.delete(this.tenantOf(key));
  }
}
