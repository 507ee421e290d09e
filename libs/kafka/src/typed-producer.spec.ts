import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { chunkByBytes, rememberingPartitioner } from './typed-producer.js';

const message = (key: string, bytes: number) => ({ key, value: Buffer.alloc(bytes) });

describe('chunkByBytes', () => {
  it('splits a backlog into requests under the limit, keeping the order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => message(`k${i}`, 98));
    const chunks = chunkByBytes(messages, 300);
    assert.deepEqual(
      chunks.map((c) => c.map((m) => m.key)),
      [['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k6', 'k7', 'k8'], ['k9']],
    );
    assert.ok(chunks.every((c) => c.reduce((n, m) => n + m.value.length + m.key.length, 0) <= 300));
  });

  it('sends a message larger than the limit alone, and an empty list as nothing', () => {
    const chunks = chunkByBytes([message('a', 10), message('big', 500), message('b', 10)], 100);
    assert.deepEqual(
      chunks.map((c) => c.map((m) => m.key)),
      [['a'], ['big'], ['b']],
    );
    assert.deepEqual(chunkByBytes([], 100), []);
  });
});

describe('rememberingPartitioner', () => {
  const metadata = (n: number): PartitionMetadata[] =>
    Array.from({ length: n }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 1,
      replicas: [1],
      isr: [1],
    }));

  it("puts every key where kafkajs' default partitioner does, also after the topic grows", () => {
    const remembering = rememberingPartitioner();
    const hashing = Partitioners.DefaultPartitioner();
    for (const partitions of [6, 6, 12]) {
      const partitionMetadata = metadata(partitions);
      for (let i = 0; i < 500; i++) {
        const args = {
          topic: 't',
          partitionMetadata,
          message: { key: `session-${i}`, value: 'v' },
        };
        assert.equal(remembering(args), hashing(args), `session-${i} of ${partitions}`);
      }
    }
  });

  it('keeps an explicit partition', () => {
    const args = {
      topic: 't',
      partitionMetadata: metadata(6),
      message: { key: 'k', value: 'v', partition: 4 },
    };
    assert.equal(rememberingPartitioner()(args), 4);
  });
});
