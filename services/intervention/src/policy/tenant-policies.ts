import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { policyOf } from '@wink/persistence';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import type { PolicySettings } from './policy.js';

const TTL_MS = 30_000;

/** Each tenant's policy: the service's defaults with the tenant's overrides, cached briefly. */
@Injectable()
export class TenantPolicies {
  private readonly cache = new Map<string, { settings: PolicySettings; until: number }>();

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

  async for(tenantId: string): Promise<PolicySettings> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.settings;
    const settings = { ...this.defaults(), ...(await policyOf(this.db, tenantId)) };
    this.cache.set(tenantId, { settings, until: Date.now() + TTL_MS });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return settings;
  }
}
