import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import type { ClassifierConfig } from '../config.js';
import { historyWait, RecorderProgress } from './recorder-progress.js';

/**
 * A Kafka whose admin answers the recorder's committed offsets from `offsets`, counting reads:
 * each read once `answer()` is called, or at once with `atOnce`.
 */
function fakeKafka(offsets: Record<number, string>, { atOnce = false } = {}) {
  const seen = { reads: 0 };
  let answer!: () => void;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async () => {
      seen.reads++;
      if (!atOnce) await new Promise<void>((r) => (answer = r));
      const partitions = Object.entries(offsets).map(([p, offset]) => ({
        partition: Number(p),
        offset,
      }));
      return [{ topic: 'events', partitions }];
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, seen, answer: () => answer() };
}

const config = {
  CLASSIFIER_HISTORY_WAIT_MS: 10_000,
  KAFKA_SESSION_TIMEOUT_MS: 30_000,
} as ClassifierConfig;

const settle = () => new Promise((r) => setImmediate(r));

async function waitsTimed(outcome: string): Promise<{ count: number; sum: number }> {
  const { values } = await historyWait.get();
  const of = (name: string) =>
    values.find((v) => v.metricName === name && v.labels.outcome === outcome)?.value ?? 0;
  return {
    count: of('wink_classifier_history_wait_seconds_count'),
    sum: of('wink_classifier_history_wait_seconds_sum'),
  };
}

describe('RecorderProgress', () => {
  it('shares one read among concurrent waits and asks nothing for an offset the last read covers', async () => {
    const { kafka, seen, answer } = fakeKafka({ 0: '40', 1: '7' });
    const progress = new RecorderProgress(kafka, config);
    const waits = [progress.waitForRecorded(0, '12'), progress.waitForRecorded(1, '3')];
    await settle();
    answer();
    assert.deepEqual(await Promise.all(waits), [true, true]);
    assert.equal(seen.reads, 1, 'one read for both partitions');
    assert.equal(await progress.waitForRecorded(0, '39'), true);
    assert.equal(seen.reads, 1, 'offset 39 of partition 0 was known to be recorded');
  });

  it('times the waits that had to ask the broker, by whether the recorder was reached', async () => {
    const { kafka, answer } = fakeKafka({ 0: '40' });
    const progress = new RecorderProgress(kafka, config);
    const before = await waitsTimed('reached');
    const wait = progress.waitForRecorded(0, '12');
    await settle();
    answer();
    assert.equal(await wait, true);
    assert.equal(await progress.waitForRecorded(0, '20'), true, 'known from the last read');
    const after = await waitsTimed('reached');
    assert.equal(after.count - before.count, 1, 'only the wait that read the offsets');

    const lagging = fakeKafka({ 0: '5' }, { atOnce: true });
    const impatient = new RecorderProgress(lagging.kafka, {
      ...config,
      CLASSIFIER_HISTORY_WAIT_MS: 150,
    });
    const timedOutBefore = await waitsTimed('timed_out');
    assert.equal(await impatient.waitForRecorded(0, '12'), false);
    const timedOut = await waitsTimed('timed_out');
    assert.equal(timedOut.count - timedOutBefore.count, 1);
    assert.ok(timedOut.sum - timedOutBefore.sum >= 0.14, 'the whole bounded wait is timed');
    assert.ok(lagging.seen.reads >= 2, 'the offsets were read again while waiting');
  });
});
