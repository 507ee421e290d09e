import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { policyOf } from '@wink/persistence';
import { RefreshingCache } from '@wink/platform';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import type { PolicySettings } from './policy.js';

/** A tenant's policy change reaches its verdicts within this long. */
const MAX_AGE_MS = 30_000;

/**
 * Each tenant's policy: the service's defaults with the tenant's overrides, cached briefly and
 * reloaded in the background, so only a tenant's first verdicts wait for Postgres.
 */
@Injectable()
export class TenantPolicies {
  private readonly log = new Logger(TenantPolicies.name);
  private readonly cache = new RefreshingCache<PolicySettings>({
    ttlMs: MAX_AGE_MS / 2,
    maxAgeMs: MAX_AGE_MS,
    maxEntries: 10_000,
    onError: (error) =>
      this.log.warn({ msg: "using a tenant's last policy", error: String(error) }),
  });

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  defaults(): PolicySettings {
    return {
      cooldownMs: this.config.GUIDANCE_COOLDOWN_MS,
      maxPerSession: this.config.GUIDANCE_MAX_PER_SESSION,
      staleSteps: this.config.GUIDANCE_STALE_STEPS,
      outcomeSteps: this.config.OUTCOME_STEPS,
    };
  }

  for(tenantId: string): Promise<PolicySettings> {
    return this.cache.value(tenantId, async () => ({
      ...this.defaults(),
      ...(await policyOf(this.db, tenantId)),
    }));
  }
}
