import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ToolSchemas, withOverrides, type DetectorThresholds } from '@wink/detectors';
import { detectorThresholdsOf, toolSchemasOf } from '@wink/persistence';
import { RefreshingCache } from '@wink/platform';

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

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
  private readonly thresholds = new RefreshingCache<DetectorThresholds>({
    ttlMs: TTL_MS,
    maxEntries: MAX_ENTRIES,
    onError: this.warn,
    fallback: { value: withOverrides() },
  });
  private readonly tools = new RefreshingCache<ToolSchemas | undefined>({
    ttlMs: TTL_MS,
    maxEntries: MAX_ENTRIES,
    onError: this.warn,
    fallback: { value: undefined },
  });

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
      const thresholds = this.thresholds.refresh(
        tenantId,
        async () => withOverrides(await detectorThresholdsOf(this.db, tenantId)),
        now,
      );
      const tools = this.tools.refresh(
        `${tenantId}\u0000${agentName}`,
        async () => {
          const schemas = await toolSchemasOf(this.db, tenantId, agentName);
          return Object.keys(schemas).length ? new ToolSchemas(schemas) : undefined;
        },
        now,
      );
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
