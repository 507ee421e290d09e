import { SessionWindow } from '@wink/detectors';

/**
 * The windows of the sessions this worker owns, least recently used evicted first. A tenant
 * holds at most `maxPerTenant` of them: beyond that its own least recently used goes, so one
 * tenant opening sessions by the thousand cannot evict every other tenant's.
 */
export class SessionWindows {
  private readonly windows = new Map<string, SessionWindow>();
  /** Per tenant, its keys in least-recently-used order. */
  private readonly byTenant = new Map<string, Set<string>>();

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

  create(key: string): SessionWindow {
    const window = new SessionWindow(this.windowCapacity);
    const tenantId = this.tenantOf(key);
    this.evict(key);
    const own = this.byTenant.get(tenantId) ?? new Set<string>();
    this.byTenant.set(tenantId, own);
    while (own.size >= this.maxPerTenant) this.evict(own.values().next().value!);
    this.windows.set(key, window);
    own.add(key);
    while (this.windows.size > this.maxSessions) this.evict(this.windows.keys().next().value!);
    return window;
  }

  private evict(key: string): void {
    if (!this.windows.delete(key)) return;
    const tenantId = this.tenantOf(key);
    const own = this.byTenant.get(tenantId);
    own?.delete(key);
    if (own?.size === 0) this.byTenant.delete(tenantId);
  }
}
