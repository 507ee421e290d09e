import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveredGuidance, GuidanceRepository } from './guidance.repository.js';
import { GuidanceClaims } from './guidance-claims.js';

type Claims = Parameters<GuidanceRepository['claimFor']>[0];

const guidance = (sessionId: string, interventionId: string) =>
  ({ sessionId, interventionId }) as DeliveredGuidance;

/** Claims over a repository that answers each statement with the unclaimed guidance of `stored`. */
function claimsOver(stored: Array<{ tenantId: string; sessionId: string; id: string }>) {
  const statements: Claims[] = [];
  const given = new Set<string>();
  const repo = {
    claimFor: async (claims: Claims) => {
      statements.push(claims);
      if (claims.some((c) => c.tenantId === 'not-a-uuid'))
        throw Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
      const rows = [];
      for (const { channel, tenantId, sessionId } of claims)
        for (const g of stored) {
          const key = `${channel}:${g.id}`;
          if (g.tenantId !== tenantId || g.sessionId !== sessionId || given.has(key)) continue;
          given.add(key);
          rows.push({ tenantId, channel, guidance: guidance(sessionId, g.id) });
        }
      return rows;
    },
  } as unknown as GuidanceRepository;
  return { claims: new GuidanceClaims(repo), statements };
}

describe('GuidanceClaims', () => {
  it('claims what connections ask for together in one statement, each its own session and channel', async () => {
    const { claims, statements } = claimsOver([
      { tenantId: 't1', sessionId: 's1', id: 'g1' },
      { tenantId: 't1', sessionId: 's2', id: 'g2' },
      { tenantId: 't2', sessionId: 's1', id: 'g3' },
    ]);
    const [a, b, c, d] = await Promise.all([
      claims.claim('poll', 't1', 's1'),
      claims.claim('poll', 't1', 's2'),
      claims.claim('poll', 't2', 's1'),
      claims.claim('sse', 't1', 's1'),
    ]);
    assert.equal(statements.length, 1);
    assert.deepEqual(
      [a, b, c, d].map((g) => g.map((x) => x.interventionId)),
      [['g1'], ['g2'], ['g3'], ['g1']],
    );
  });

  it('gives guidance claimed by two connections of one session and channel to one of them', async () => {
    const { claims } = claimsOver([{ tenantId: 't1', sessionId: 's1', id: 'g1' }]);
    const [first, second] = await Promise.all([
      claims.claim('poll', 't1', 's1'),
      claims.claim('poll', 't1', 's1'),
    ]);
    assert.deepEqual(
      [first, second].map((g) => g.length),
      [1, 0],
    );
  });

  it('fails only the claim a statement failed on, claiming the others alone', async () => {
    const { claims, statements } = claimsOver([{ tenantId: 't1', sessionId: 's1', id: 'g1' }]);
    const [good, bad] = await Promise.allSettled([
      claims.claim('poll', 't1', 's1'),
      claims.claim('poll', 'not-a-uuid', 's1'),
    ]);
    assert.deepEqual(good.status === 'fulfilled' && good.value.map((g) => g.interventionId), [
      'g1',
    ]);
    assert.equal(bad.status, 'rejected');
    assert.equal(statements.length, 3);
  });
});
