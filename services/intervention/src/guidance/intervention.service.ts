import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid, type GuidanceV1, type VerdictV1 } from '@wink/contracts';
import { decide } from '../policy/policy.js';
import { renderGuidance } from '../policy/templates.js';
import { TenantExperiments } from '../policy/tenant-experiments.js';
import { TenantPolicies } from '../policy/tenant-policies.js';
import { GuidanceRepository, type PolicyInput } from './guidance.repository.js';
import { encodeGuidance, GuidancePublisher, PUBLISH_LEASE_MS } from './guidance-publisher.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { dropped, eventToGuidance, issued, outcomes } from './intervention.metrics.js';

/** The cohort guidance is given in when no experiment runs: everyone is treated. */
const DEFAULT_COHORT = 'treatment';

const sessionOf = (v: VerdictV1) => `${v.tenantId}\u0000${v.sessionId}`;
const misbehaviourOf = (v: VerdictV1) => `${sessionOf(v)}\u0000${v.subtype}\u0000${v.signature}`;

/**
 * Turns verdicts into guidance under the tenant's policy, a batch at a time: one query reads the
 * policy state of every verdict, the policy decides in order (each decision seeing the ones
 * before it in the batch), one statement stores the guidance and queues its publication, which
 * the batch does not wait for. A redelivered verdict maps to the same guidance id: it is not stored
 * twice, and published again only if its publication is still pending with no lease held on it.
 */
@Injectable()
export class InterventionService {
  constructor(
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TenantPolicies) private readonly policies: TenantPolicies,
    @Inject(TenantExperiments) private readonly experiments: TenantExperiments,
    @Inject(GuidancePublisher) private readonly publisher: GuidancePublisher,
    @Inject(WebhookDispatcher) private readonly webhooks: WebhookDispatcher,
  ) {}

  async handle(batch: VerdictV1[]): Promise<GuidanceV1[]> {
    const verdicts = [...new Map(batch.map((v) => [v.verdictId, v])).values()];
    const ids = verdicts.map((v) => deterministicUuid('guidance', v.verdictId));
    const settings = await this.lookUp(
      verdicts.map((v) => v.tenantId),
      (t) => this.policies.for(t),
    );
    const [inputs, cohorts] = await Promise.all([
      this.repo.policyInputs(
        verdicts.map((v, i) => ({
          interventionId: ids[i],
          tenantId: v.tenantId,
          sessionId: v.sessionId,
          subtype: v.subtype,
          signature: v.signature,
          atSeq: v.atSeq,
          staleSteps: settings.get(v.tenantId)!.staleSteps,
        })),
      ),
      this.lookUp(verdicts.map(sessionOf), (key) => {
        const [tenantId, sessionId] = key.split('\u0000');
        return this.experiments.cohortOf(tenantId, sessionId);
      }),
    ]);
    const guidanceSoFar = new Map<string, number>();
    const latest = new Map<string, PolicyInput['previous']>();
    const published: GuidanceV1[] = [];
    const issuedNow: Array<{ guidance: GuidanceV1; first: boolean }> = [];
    const recurred = new Set<string>();
    const drops: string[] = [];
    const now = Date.now();
    verdicts.forEach((verdict, i) => {
      const input = inputs[i];
      if (input.stored) {
        const { severity, cohort, createdAt } = input.stored;
        published.push(this.build(verdict, ids[i], severity, cohort, createdAt));
        return;
      }
      const session = sessionOf(verdict);
      const misbehaviour = misbehaviourOf(verdict);
      const cohort = cohorts.get(session) ?? null;
      const previous = latest.has(misbehaviour) ? latest.get(misbehaviour)! : input.previous;
      const sessionGuidance = guidanceSoFar.get(session) ?? input.sessionGuidance;
      if (previous?.deliveredAt && verdict.createdAt > previous.deliveredAt.getTime())
        recurred.add(previous.interventionId);
      const state = { cohort, stepsAfter: input.stepsAfter, sessionGuidance, previous };
      const decision = decide(verdict, state, settings.get(verdict.tenantId)!, now);
      if (decision.action === 'drop') {
        drops.push(decision.reason);
        return;
      }
      const guidance = this.build(verdict, ids[i], decision.severity, cohort ?? DEFAULT_COHORT);
      issuedNow.push({ guidance, first: decision.recurrenceOf === null });
      published.push(guidance);
      guidanceSoFar.set(session, sessionGuidance + 1);
      latest.set(misbehaviour, {
        interventionId: guidance.interventionId,
        severity: guidance.severity,
        deliveredAt: null,
      });
    });
    // Encoded first: guidance breaking its contract fails the batch before anything is stored.
    const outgoing = published.map(encodeGuidance);
    const { hooks, leased } = await this.repo.storeDecisions(
      issuedNow,
      [...recurred],
      published,
      PUBLISH_LEASE_MS,
    );
    // Counted once stored: a batch that fails is handled again (alone, if it was merged).
    for (const reason of drops) dropped.inc({ reason });
    if (recurred.size > 0) outcomes.inc({ outcome: 'recurred' }, recurred.size);
    for (const { guidance } of issuedNow) {
      issued.inc({ subtype: guidance.subtype, severity: guidance.severity });
      eventToGuidance.observe((guidance.createdAt - guidance.sourceReceivedAt) / 1000);
    }
    if (hooks > 0) this.webhooks.wake();
    void this.publisher.publish(outgoing.filter((g) => leased.has(g.interventionId)));
    return published;
  }

  /** Each distinct key's value, looked up once for the batch (the lookups are cached). */
  private async lookUp<T>(
    keys: string[],
    get: (key: string) => Promise<T>,
  ): Promise<Map<string, T>> {
    const distinct = [...new Set(keys)];
    const values = await Promise.all(distinct.map(get));
    return new Map(distinct.map((k, i) => [k, values[i]]));
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
