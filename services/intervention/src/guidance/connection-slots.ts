/**
 * Each tenant's share of open long-polls or streams on this instance. `acquire` gives the
 * release function, or null when the tenant already holds `perTenant`.
 */
export class ConnectionSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly perTenant: number) {}

  acquire(tenantId: string): (() => void) | null {
    const n = this.open.get(tenantId) ?? 0;
    if (n >= this.perTenant) return null;
    this.open.set(tenantId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(tenantId) ?? 1) - 1;
      if (left > 0) this.open.set(tenantId, left);
      else this.open.delete(tenantId);
    };
  }
}
