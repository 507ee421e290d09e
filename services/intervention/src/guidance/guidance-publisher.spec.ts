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

const tooLarge = () =>
  Object.assign(new Error('the broker says MESSAGE_TOO_LARGE'), {
    name: 'KafkaJSProtocolError',
    type: 'MESSAGE_TOO_LARGE',
  });

/**
 * A publisher over a producer failing the first `failures` sends and refusing any send carrying
 * session `refused`, and a repository recording what it is told; `pages` are the sweep's leases.
 */
function publisherOver(failures = 0, ...pages: GuidanceV1[][]) {
  const sends: string[][] = [];
  const marked: string[][] = [];
  const unpublishable: string[] = [];
  const attempts: string[][] = [];
  let failing = failures;
  let release = () => {};
  const held = { until: Promise.resolve() };
  const producer = {
    sendRaw: async (_topic: string, messages: Array<{ key: string }>) => {
      await held.until;
      if (failing-- > 0) throw new Error('broker unavailable');
      if (messages.some((m) => m.key === 'refused')) throw tooLarge();
      sends.push(messages.map((m) => m.key));
    },
  } as unknown as TypedProducer;
  const repo = {
    markPublished: async (ids: string[]) => void marked.push(ids),
    markUnpublishable: async (id: string) => void unpublishable.push(id),
    recordPublishFailure: async (ids: string[]) => void attempts.push(ids),
    leaseUnpublished: async () => pages.shift() ?? [],
  } as unknown as GuidanceRepository;
  const publisher = new GuidancePublisher(repo, producer);
  const settled = () => publisher.onApplicationShutdown();
  const hold = () => (held.until = new Promise<void>((r) => (release = r)));
  return {
    publisher,
    sends,
    marked,
    unpublishable,
    attempts,
    settled,
    hold,
    release: () => release(),
  };
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
    assert.deepEqual(p.attempts, [[guidance(1).interventionId]]);
    assert.deepEqual(p.unpublishable, []);
  });

  it('sets aside guidance the broker refuses and publishes the rest of its write without it', async () => {
    const p = publisherOver();
    const refused = { ...guidance(2), sessionId: 'refused' };
    p.publisher.publish([guidance(1), refused, guidance(3)].map(encodeGuidance));
    await p.settled();
    assert.deepEqual(p.unpublishable, [refused.interventionId]);
    assert.deepEqual(p.sends.flat().sort(), ['s1', 's3']);
    assert.deepEqual(p.attempts, []);
  });

  it('leaves to its own publish the guidance it is still publishing when the sweep leases it', async () => {
    const p = publisherOver(0, [guidance(1), guidance(2)]);
    p.hold();
    const first = p.publisher.publish([encodeGuidance(guidance(1))]);
    const swept = p.publisher.sweep();
    await new Promise((r) => setImmediate(r));
    p.release();
    await Promise.all([first, swept]);
    await p.settled();
    assert.deepEqual(p.sends.flat().sort(), ['s1', 's2']);
  });

  it('publishes guidance it is asked to publish again while still publishing it only once', async () => {
    const p = publisherOver();
    p.hold();
    const first = p.publisher.publish([encodeGuidance(guidance(1))]);
    const again = p.publisher.publish([encodeGuidance(guidance(1)), encodeGuidance(guidance(2))]);
    p.release();
    await Promise.all([first, again]);
    await p.settled();
    assert.deepEqual(p.sends.flat().sort(), ['s1', 's2']);
  });

  it('sweeps page after page while pages come back full', async () => {
    const page = (from: number) =>
      Array.from({ length: 500 }, (_, i) => ({
        ...guidance(0),
        interventionId: `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`,
        sessionId: `s${from + i}`,
      }));
    const p = publisherOver(0, page(0), page(500), [guidance(1)]);
    await p.publisher.sweep();
    await p.settled();
    assert.equal(p.sends.flat().length, 1001);
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
