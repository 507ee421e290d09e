import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ToolSchemas, withOverrides, type DetectorThresholds } from '@wink/detectors';
import { detectorThresholdsOf, toolSchemasOf } from '@wink/persistence';

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * Each tenant's detector thresholds and each agent's registered tool schemas, read from
 * Postgres and cached briefly. Loaded for a whole batch before it is classified, so the
 * per-event path stays synchronous.
 */
@Injectable()
export class TenantRules {
  private readonly log = new Logger(TenantRules.name);
  private readonly thresholds = new Map<string, Cached<DetectorThresholds>>();
  private readonly tools = new Map<string, Cached<ToolSchemas | undefined>>();

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async prefetch(pairs: Iterable<{ tenantId: string; agentName: string }>): Promise<void> {
    const now = Date.now();
    const loads: Promise<void>[] = [];
    let previous: { tenantId: string; agentName: string } | null = null;
    for (const pair of pairs) {
      const { tenantId, agentName } = pair;
      // A batch's events mostly repeat the pair before them: nothing more to check for those.
      if (previous?.tenantId === tenantId && previous.agentName === agentName) continue;
      previous = pair;
      if (!this.fresh(this.thresholds.get(tenantId), now)) {
        this.thresholds.set(tenantId, { value: withOverrides(), until: now + TTL_MS });
        loads.push(
          this.load(async () => {
            this.put(
              this.thresholds,
              tenantId,
              withOverrides(await detectorThresholdsOf(this.db, tenantId)),
              now,
            );
          }),
        );
      }
      const key = `${tenantId}\u0000${agentName}`;
      if (!this.fresh(this.tools.get(key), now)) {
        this.tools.set(key, { value: undefined, until: now + TTL_MS });
        loads.push(
          this.load(async () => {
            const schemas = await toolSchemasOf(this.db, tenantId, agentName);
            this.put(
              this.tools,
              key,
              Object.keys(schemas).length ? new ToolSchemas(schemas) : undefined,
              now,
            );
          }),
        );
      }
    }
    await Promise.all(loads);
  }

  thresholdsFor(tenantId: string): DetectorThresholds {
    return this.thresholds.get(tenantId)?.value ?? withOverrides();
  }

  toolsFor(tenantId: string, agentName: string): ToolSchemas | undefined {
    return this.tools.get(`${tenantId}\u0000${agentName}`)?.value;
  }

  private fresh<T>(entry: Cached<T> | undefined, now: number): boolean {
    return entry !== undefined && entry.until > now;
  }

  private put<T>(map: Map<string, Cached<T>>, key: string, value: T, now: number): void {
    map.delete(key);
    map.set(key, { value, until: now + TTL_MS });
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }

  /** Defaults serve while Postgres cannot answer; the next batch after the TTL tries again. */
  private async load(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      this.log.warn({ msg: 'using default detector settings', error: String(error) });
    }
  }
}
