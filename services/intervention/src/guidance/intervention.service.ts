import { Inject, Injectable, Logger } from '@nestjs/common';
import { deterministicUuid, TOPICS, type GuidanceV1, type VerdictV1 } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { decide } from '../policy/policy.js';
import { renderGuidance } from '../policy/templates.js';
import { TenantExperiments } from '../policy/tenant-experiments.js';
import { TenantPolicies } from '../policy/tenant-policies.js';
import { GuidanceRepository } from './guidance.repository.js';
import { dropped, eventToGuidance, issued, outcomes } from './intervention.metrics.js';

/** The cohort guidance is given in when no experiment runs: everyone is treated. */
const DEFAULT_COHORT = 'treatment';

/**
 * Turns verdicts into guidance under the tenant's policy: stored first (so hosts can fetch it and
 * the policy can see it), then published on the guidance topic. A redelivered verdict maps to the
 * same guidance id and is published again rather than stored twice.
 */
@Injectable()
export class InterventionService {
  private readonly log = new Logger(InterventionService.name);

  constructor(
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TenantPolicies) private readonly policies: TenantPolicies,
    @Inject(TenantExperiments) private readonly experiments: TenantExperiments,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  async handle(verdicts: VerdictV1[]): Promise<GuidanceV1[]> {
    const published: GuidanceV1[] = [];
    for (const verdict of verdicts) {
      const interventionId = deterministicUuid('guidance', verdict.verdictId);
      if (await this.repo.exists(interventionId)) {
        published.push(await this.stored(verdict, interventionId));
        continue;
      }
      const guidance = await this.decideAndStore(verdict, interventionId);
      if (guidance) published.push(guidance);
    }
    await this.producer.send(
      TOPICS.guidance,
      published.map((g) => ({ key: g.sessionId, value: g })),
    );
    await this.repo.recordPublished(
      published.map((g) => g.interventionId),
      published.map((g) => g.tenantId),
    );
    return published;
  }

  private async decideAndStore(
    verdict: VerdictV1,
    interventionId: string,
  ): Promise<GuidanceV1 | null> {
    const cohort = await this.experiments.cohortOf(verdict.tenantId, verdict.sessionId);
    const state = { ...(await this.repo.stateFor(verdict)), cohort };
    const previous = state.previous;
    if (previous?.deliveredAt && verdict.createdAt > previous.deliveredAt.getTime()) {
      await this.repo.markRecurred(previous.interventionId);
      outcomes.inc({ outcome: 'recurred' });
    }
    const decision = decide(verdict, state, await this.policies.for(verdict.tenantId), Date.now());
    if (decision.action === 'drop') {
      dropped.inc({ reason: decision.reason });
      return null;
    }
    const guidance = this.build(
      verdict,
      interventionId,
      decision.severity,
      cohort ?? DEFAULT_COHORT,
    );
    await this.repo.insert(guidance, decision.recurrenceOf === null);
    issued.inc({ subtype: guidance.subtype, severity: guidance.severity });
    const latencyMs = guidance.createdAt - guidance.sourceReceivedAt;
    eventToGuidance.observe(latencyMs / 1000);
    this.log.log({
      msg: 'guidance issued',
      tenantId: guidance.tenantId,
      sessionId: guidance.sessionId,
      subtype: guidance.subtype,
      severity: guidance.severity,
      recurrenceOf: decision.recurrenceOf,
      latencyMs,
    });
    return guidance;
  }

  /** The guidance already stored for this verdict, rebuilt to publish again. */
  private async stored(verdict: VerdictV1, interventionId: string): Promise<GuidanceV1> {
    const [row] = await this.repo.stored(interventionId);
    return this.build(
      verdict,
      interventionId,
      row.severity,
      row.cohort,
      new Date(row.created_at).getTime(),
    );
  }

  private build(
    verdict: VerdictV1,
    interventionId: string,
    severity: GuidanceV1['severity'],
    cohort: string,
    createdAt = Date.now(),
  ): GuidanceV1 {
    return {
      v: 1,
      interventionId,
      tenantId: verdict.tenantId,
      sessionId: verdict.sessionId,
      verdictIds: [verdict.verdictId],
      category: verdict.category,
      subtype: verdict.subtype,
      signature: verdict.signature,
      severity,
      text: renderGuidance({ ...verdict, severity }),
      cohort,
      atSeq: verdict.atSeq,
      createdAt,
      sourceReceivedAt: verdict.sourceReceivedAt,
    };
  }
}
