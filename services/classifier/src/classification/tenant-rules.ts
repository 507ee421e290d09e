import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ToolSchemas, withOverrides, type DetectorThresholds } from '@wink/detectors';
import { detectorThresholdsOf, toolSchemasOf } from '@wink/persistence';

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Values read from Postgres, kept `TTL_MS`. A value past it keeps serving while it is read again
 * in the background: a batch waits only for a key never read, and then on the one read under way.
 */
class RefreshingCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly reading = new Map<string, Promise<void>>();

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly fallback: T,
  ) {}

  get(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  /** Starts a read of `key` if its value is missing or old; returns it if there is no value yet. */
  refresh(key: string, now: number, read: () => Promise<T>): Promise<void> | null {
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return null;
    let reading = this.reading.get(key);
    if (!reading) {
      reading = read()
        // Without Postgres, the last value (or the defaults) serves until the TTL tries again.
        .catch((error: unknown) => {
          this.onError(error);
          return this.entries.get(key)?.value ?? this.fallback;
        })
        .then((value) => this.put(key, value))
        .finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return entry ? null : reading;
  }

  private put(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: Date.now() + TTL_MS });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

/**
 * Each tenant's detector thresholds and each agent's registered tool schemas, read from
 * Postgres and cached briefly. Loaded for a whole batch before it is classified, so the
 * per-event path stays synchronous; an old value is refreshed without holding the batch up, as
 * any wait holds every partition of the consumer's fetch.
 */
@Injectable()
export class TenantRules {
  private readonly log = new Logger(TenantRules.name);
  private readonly warn = (error: unknown) =>
    this.log.warn({ msg: 'using the last or default detector settings', error: String(error) });
  private readonly thresholds = new RefreshingCache<DetectorThresholds>(this.warn, withOverrides());
  private readonly tools = new RefreshingCache<ToolSchemas | undefined>(this.warn, undefined);

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async prefetch(pairs: Iterable<{ tenantId: string; agentName: string }>): Promise<void> {
    const now = Date.now();
    const firstReads: Promise<void>[] = [];
    let previous: { tenantId: string; agentName: string } | null = null;
    for (const pair of pairs) {
      const { tenantId, agentName } = pair;
      // A batch's events mostly repeat the pair before them: nothing more to check for those.
      if (previous?.tenantId === tenantId && previous.agentName === agentName) continue;
      previous = pair;
      const thresholds = this.thresholds.refresh(tenantId, now, async () =>
        withOverrides(await detectorThresholdsOf(this.db, tenantId)),
      );
      const tools = this.tools.refresh(`${tenantId}\u0000${agentName}`, now, async () => {
        const schemas = await toolSchemasOf(this.db, tenantId, agentName);
        return Object.keys(schemas).length ? new ToolSchemas(schemas) : undefined;
      });
      if (thresholds) firstReads.push(thresholds);
      if (tools) firstReads.push(tools);
    }
    await Promise.all(firstReads);
  }

  thresholdsFor(tenantId: string): DetectorThresholds {
    return this.thresholds.get(tenantId) ?? withOverrides();
  }

  toolsFor(tenantId: string, agentName: string): ToolSchemas | undefined {
    return this.tools.get(`${tenantId}\u0000${agentName}`);
  }
}
