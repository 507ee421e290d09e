import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@wink/contracts';
import { BatchConsumer, createKafka, TypedProducer } from '@wink/kafka';
import { BROKERS, prepareInfrastructure, waitFor } from './harness/infrastructure.js';

describe('batch consumer recovery (real Kafka)', () => {
  const kafka = createKafka({ brokers: BROKERS, clientId: 'wink-tests-recovery' });
  const producer = new TypedProducer(kafka);
  let consumer: BatchConsumer | null = null;

  before(async () => {
    await (await prepareInfrastructure()).destroy();
    await producer.connect();
  });

  after(async () => {
    await consumer?.stop();
    await producer.disconnect();
  });

  it('joins its group again after being evicted mid-batch, and handles every message', async (t) => {
    const run = randomUUID();
    const sent = Array.from({ length: 20 }, (_, i) => `${run}-${i}`);
    await producer.send(
      TOPICS.deadLetter,
      sent.map((id) => ({
        key: id,
        value: {
          v: 1,
          sourceTopic: 'recovery-test',
          partition: 0,
          offset: '0',
          key: id,
          valueBase64: '',
          reason: run,
          consumerGroup: 'recovery-test',
          at: Date.now(),
        },
      })),
    );
    const handled = new Set<string>();
    let restarts = 0;
    let blocked = false;
    consumer = new BatchConsumer(kafka, producer, {
      groupId: `wink-recovery-${run}`,
      topics: [TOPICS.deadLetter],
      sessionTimeoutMs: 6000,
      onRestart: () => restarts++,
    });
    await consumer.start(async (messages) => {
      const ours = messages.filter((m) => (m.value as { reason: string }).reason === run);
      if (ours.length > 0 && !blocked) {
        // Longer than the session timeout with no heartbeat: the group evicts this member.
        blocked = true;
        await new Promise((r) => setTimeout(r, 9000));
      }
      for (const m of ours) handled.add(String(m.key));
    });
    await waitFor(async () => handled.size === sent.length, 60_000, 'every message handled');
    assert.deepEqual([...handled].sort(), [...sent].sort());
    // The evicted member's commit failed; it is consuming again either way (KafkaJS rejoins by
    // itself after retriable errors, the consumer restarts itself after the others).
    const late = `${run}-late`;
    await producer.send(TOPICS.deadLetter, [
      {
        key: late,
        value: {
          v: 1,
          sourceTopic: 'recovery-test',
          partition: 0,
          offset: '1',
          key: late,
          valueBase64: '',
          reason: run,
          consumerGroup: 'recovery-test',
          at: Date.now(),
        },
      },
    ]);
    await waitFor(async () => handled.has(late), 30_000, 'a message sent after the eviction');
    t.diagnostic(`restarted by the consumer itself ${restarts} time(s)`);
  });
});
