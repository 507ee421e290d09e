import { Inject, Injectable, Logger } from '@nestjs/common';
import { deterministicUuid, TOPICS, type GuidanceV1, type VerdictV1 } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { initialSeverity } from '../policy/severity.js';
import { renderGuidance } from '../policy/templates.js';
import { GuidanceRepository } from './guidance.repository.js';

export const DEFAULT_COHORT = 'treatment';

/**
 * Turns verdicts into guidance: stored first (so hosts can fetch it and the cooldown can see
 * it), then published on the guidance topic. A redelivered verdict maps to the same guidance id
 * and is published again rather than stored twice.
 */
@Injectable()
export class InterventionService {
  private readonly log = new Logger(InterventionService.name);

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  async handle(verdicts: VerdictV1[]): Promise<GuidanceV1[]> {
    const published: GuidanceV1[] = [];
    for (const verdict of verdicts) {
      const guidance = this.guidanceFor(verdict);
      const alreadyStored = await this.repo.exists(guidance.interventionId);
      if (!alreadyStored) {
        if (await this.repo.inCooldown(guidance, this.config.GUIDANCE_COOLDOWN_MS)) continue;
        await this.repo.insert(guidance);
        this.log.log({
          msg: 'guidance issued',
          tenantId: guidance.tenantId,
          sessionId: guidance.sessionId,
          subtype: guidance.subtype,
          severity: guidance.severity,
          latencyMs: guidance.createdAt - guidance.sourceReceivedAt,
        });
      }
      published.push(guidance);
    }
    await this.producer.send(
      TOPICS.guidance,
      published.map((g) => ({ key: g.sessionId, value: g })),
    );
    return published;
  }

  private guidanceFor(verdict: VerdictV1): GuidanceV1 {
    return {
      v: 1,
      interventionId: deterministicUuid('guidance', verdict.verdictId),
      tenantId: verdict.tenantId,
      sessionId: verdict.sessionId,
      verdictIds: [verdict.verdictId],
      category: verdict.category,
      subtype: verdict.subtype,
      signature: verdict.signature,
      severity: initialSeverity(verdict),
      text: renderGuidance(verdict),
      cohort: DEFAULT_COHORT,
      atSeq: verdict.atSeq,
      createdAt: Date.now(),
      sourceReceivedAt: verdict.sourceReceivedAt,
    };
  }
}
