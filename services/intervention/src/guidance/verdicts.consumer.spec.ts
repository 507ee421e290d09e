import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, type VerdictV1 } from '@wink/contracts';
import type { ConsumedMessage } from '@wink/kafka';
import type { InterventionService } from './intervention.service.js';
import { VerdictsConsumer } from './verdicts.consumer.js';

const message = (partition: number, sessionId: string, atSeq: number) => {
  const value = { sessionId, atSeq } as VerdictV1;
  return {
    topic: TOPICS.verdicts,
    partition,
    offset: String(atSeq),
    key: sessionId,
    value,
    bytes: Buffer.from(JSON.stringify(value)),
    read: { first: '0', last: String(atSeq) },
  } satisfies ConsumedMessage<typeof TOPICS.verdicts>;
};

/** A service that handles a batch whole, or fails on a verdict of session `bad` as bad code does. */
function service() {
  const calls: string[][] = [];
  const handled: string[] = [];
  const interventions = {
    handle: async (batch: VerdictV1[]) => {
      const names = batch.map((v) => `${v.sessionId}@${v.atSeq}`);
      calls.push(names);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (batch.some((v) => v.sessionId === 'bad')) throw new TypeError('unexpected verdict');
      handled.push(...names);
      return [];
    },
  } as unknown as InterventionService;
  return { consumer: new VerdictsConsumer(interventions), calls, handled };
}

describe('VerdictsConsumer', () => {
  it('handles the partition batches of one fetch in one call, each batch in its order', async () => {
    const s = service();
    await Promise.all([
      s.consumer.onVerdicts([message(0, 'a', 1), message(0, 'a', 2)]),
      s.consumer.onVerdicts([message(1, 'b', 7)]),
      s.consumer.onVerdicts([message(2, 'c', 3), message(2, 'd', 4)]),
    ]);
    assert.deepEqual(s.calls, [['a@1', 'a@2', 'b@7', 'c@3', 'd@4']]);
    assert.deepEqual(s.handled, ['a@1', 'a@2', 'b@7', 'c@3', 'd@4']);
  });

  it("fails only the batch whose verdicts the handler cannot take: the others' are handled alone", async () => {
    const s = service();
    const outcomes = await Promise.allSettled([
      s.consumer.onVerdicts([message(0, 'a', 1)]),
      s.consumer.onVerdicts([message(1, 'bad', 2), message(1, 'e', 3)]),
      s.consumer.onVerdicts([message(2, 'c', 4)]),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok((outcomes[1] as PromiseRejectedResult).reason instanceof TypeError);
    assert.deepEqual(s.handled, ['a@1', 'c@4']);
    assert.deepEqual(s.calls, [['a@1', 'bad@2', 'e@3', 'c@4'], ['a@1'], ['bad@2', 'e@3'], ['c@4']]);
  });

  it('fails every batch of a merged call on a failure of the world, for each to be retried', async () => {
    const interventions = {
      handle: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    } as unknown as InterventionService;
    const consumer = new VerdictsConsumer(interventions);
    const outcomes = await Promise.allSettled([
      consumer.onVerdicts([message(0, 'a', 1)]),
      consumer.onVerdicts([message(1, 'b', 2)]),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
  });
});
