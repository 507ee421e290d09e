import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import type { ClassifierConfig } from '../config.js';
import { RecorderProgress } from './recorder-progress.js';

/** A Kafka whose admin answers the recorder's committed offsets from `offsets`, counting reads. */
function fakeKafka(offsets: Record<number, string>) {
  const seen = { reads: 0 };
  let answer!: () => void;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async () => {
      seen.reads++;
      await new Promise<void>((r) => (answer = r));
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
});
