import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GuidanceV1, VerdictV1 } from '@wink/contracts';
import type { TenantExperiments } from '../policy/tenant-experiments.js';
import type { TenantPolicies } from '../policy/tenant-policies.js';
import type { GuidancePublisher, OutgoingGuidance } from './guidance-publisher.js';
import type { GuidanceRepository } from './guidance.repository.js';
import { InterventionService } from './intervention.service.js';
import type { WebhookDispatcher } from './webhook-dispatcher.js';
import { issued } from './intervention.metrics.js';

const TENANT = '00000000-0000-4000-8000-0000000000aa';

const verdict = (n: number): VerdictV1 => ({
  v: 1,
  verdictId: `00000000-0000-4000-8000-00000000000${n}`,
  tenantId: TENANT,
  sessionId: `session-${n}`,
  category: 'reasoning_problem',
  subtype: 'repetitive_loop',
  confidence: 0.9,
  signature: 'Bash:npm test',
  evidence: { fromSeq: 1, toSeq: 6, reason: 'ran `npm test` 3 times in a row and it failed' },
  detector: 'loop',
  atSeq: 6,
  createdAt: Date.now(),
  sourceReceivedAt: Date.now(),
});

/** A service whose repository finds nothing stored for any verdict; `store` stands for the statement. */
function serviceStoring(
  store: (published: GuidanceV1[]) => Promise<Set<string>> = async (published) =>
    new Set(published.map((g) => g.interventionId)),
) {
  const steps: string[] = [];
  const queued: string[][] = [];
  const repo = {
    policyInputs: async (verdicts: unknown[]) =>
      verdicts.map(() => ({ stored: null, stepsAfter: 0, sessionGuidance: 0, previous: null })),
    storeDecisions: async (_issued: unknown[], _recurred: string[], published: GuidanceV1[]) => {
      steps.push('store');
      queued.push(published.map((g) => g.sessionId));
      return { hooks: 0, leased: await store(published) };
    },
  } as unknown as GuidanceRepository;
  const policies = {
    for: async () => ({ cooldownMs: 0, maxPerSession: 20, staleSteps: 50, outcomeSteps: 10 }),
  } as unknown as TenantPolicies;
  const experiments = { cohortOf: async () => null } as unknown as TenantExperiments;
  const publisher = {
    publish: (g: OutgoingGuidance[]) => void steps.push(`publish ${g.map((x) => x.key).join()}`),
  } as unknown as GuidancePublisher;
  const webhooks = { wake: () => undefined } as unknown as WebhookDispatcher;
  const service = new InterventionService(repo, policies, experiments, publisher, webhooks);
  return { service, steps, queued };
}

describe('InterventionService', () => {
  it('queues the publication of its guidance in the statement storing it, and publishes it after', async () => {
    const s = serviceStoring();
    const guided = await s.service.handle([verdict(1), verdict(2)]);
    assert.deepEqual(
      guided.map((g) => g.sessionId),
      ['session-1', 'session-2'],
    );
    assert.deepEqual(s.queued, [['session-1', 'session-2']]);
    assert.deepEqual(s.steps, ['store', 'publish session-1,session-2']);
  });

  it('publishes only the guidance whose publication the statement leased', async () => {
    const s = serviceStoring(
      async (published) =>
        new Set(published.filter((g) => g.sessionId === 'session-2').map((g) => g.interventionId)),
    );
    await s.service.handle([verdict(1), verdict(2)]);
    assert.deepEqual(s.steps, ['store', 'publish session-2']);
  });

  it('publishes nothing when the guidance could not be stored', async () => {
    const s = serviceStoring(async () => {
      throw new Error('connection terminated');
    });
    await assert.rejects(s.service.handle([verdict(1)]), /connection terminated/);
    assert.deepEqual(s.steps, ['store']);
  });

  it('counts its guidance once stored: a batch whose store failed is counted when handled again', async () => {
    const issuedSoFar = async () =>
      (await issued.get()).values.reduce((sum, { value }) => sum + value, 0);
    let failures = 1;
    const s = serviceStoring(async (published) => {
      if (failures-- > 0) throw new Error('connection terminated');
      return new Set(published.map((g) => g.interventionId));
    });
    const before = await issuedSoFar();
    await assert.rejects(s.service.handle([verdict(1), verdict(2)]), /connection terminated/);
    assert.equal(await issuedSoFar(), before);
    await s.service.handle([verdict(1), verdict(2)]);
    assert.equal(await issuedSoFar(), before + 2);
  });
});
