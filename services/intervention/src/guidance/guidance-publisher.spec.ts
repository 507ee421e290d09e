import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GuidanceV1 } from '@wink/contracts';
import type { TypedProducer } from '@wink/kafka';
import type { GuidanceRepository } from './guidance.repository.js';
import { encodeGuidance, GuidancePublisher } from './guidance-publisher.js';

const guidance = (n: number): GuidanceV1 => ({
  v: 1,
  interventionId: `00000000-0000-4000-8000-00000000000${n}`,
  tenantId: '00000000-0000-4000-8000-0000000000aa',
  sessionId: `s${n}`,
  verdictIds: ['00000000-0000-4000-8000-0000000000bb'],
  category: 'reasoning_problem',
  subtype: 'repetitive_loop',
  signature: 'Bash:npm test',
  severity: 'nudge',
  text: 'You have run the same command several times.',
  cohort: 'treatment',
  atSeq: 3,
  createdAt: 1_700_000_000_000,
  sourceReceivedAt: 1_700_000_000_000,
});

/** A publisher over a producer failing the first `failures` sends, and a repository recording. */
function publisherOver(failures = 0, due: GuidanceV1[] = []) {
  const sends: string[][] = [];
  const marked: string[][] = [];
  const unpublishable: string[] = [];
  let failing = failures;
  const producer = {
    sendRaw: async (_topic: string, messages: Array<{ key: string }>) => {
      if (failing-- > 0) throw new Error('broker unavailable');
      sends.push(messages.map((m) => m.key));
    },
  } as unknown as TypedProducer;
  const repo = {
    markPublished: async (ids: string[]) => void marked.push(ids),
    markUnpublishable: async (id: string) => void unpublishable.push(id),
    leaseUnpublished: async () => due.splice(0),
  } as unknown as GuidanceRepository;
  const publisher = new GuidancePublisher(repo, producer);
  const settled = () => publisher.onApplicationShutdown();
  return { publisher, sends, marked, unpublishable, settled };
}

describe('GuidancePublisher', () => {
  it('publishes the guidance of batches stored together in one produce, then marks it delivered', async () => {
    const p = publisherOver();
    p.publisher.publish([encodeGuidance(guidance(1))]);
    p.publisher.publish([encodeGuidance(guidance(2)), encodeGuidance(guidance(3))]);
    await p.settled();
    assert.deepEqual(p.sends, [['s1', 's2', 's3']]);
    assert.deepEqual(p.marked, [[1, 2, 3].map((n) => guidance(n).interventionId)]);
  });

  it('leaves a publication the broker did not acknowledge pending, for the sweep, without failing the batch', async () => {
    const p = publisherOver(1);
    p.publisher.publish([encodeGuidance(guidance(1))]);
    await p.settled();
    assert.deepEqual([p.sends, p.marked], [[], []]);
  });

  it('sweeps publications whose lease ran out, and sets aside one that no longer meets the contract', async () => {
    const broken = { ...guidance(2), text: '' };
    const p = publisherOver(0, [guidance(1), broken]);
    await p.publisher.sweep();
    await p.settled();
    assert.deepEqual(p.sends, [['s1']]);
    assert.deepEqual(p.marked, [[guidance(1).interventionId]]);
    assert.deepEqual(p.unpublishable, [broken.interventionId]);
  });
});
