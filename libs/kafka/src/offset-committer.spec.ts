import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetCommitter, type PartitionOffset } from './offset-committer.js';

const sorted = (requests: PartitionOffset[][]) =>
  requests.map((r) => [...r].sort((a, b) => a.partition - b.partition));
const at = (partition: number, offset: number): PartitionOffset => ({
  topic: 't',
  partition,
  offset: String(offset),
});

/** A committer whose first commit request is held until `release()`; `requests` records each. */
function holdingFirstCommit() {
  const requests: PartitionOffset[][] = [];
  let releaseFirst!: () => void;
  const committer = new OffsetCommitter(async (offsets) => {
    requests.push(offsets);
    if (requests.length === 1) await new Promise<void>((r) => (releaseFirst = r));
  });
  return { committer, requests, release: () => releaseFirst() };
}

describe('OffsetCommitter', () => {
  it('commits offsets added while a commit is in flight together, with each partition at its latest', async () => {
    const { committer, requests, release } = holdingFirstCommit();
    committer.add(at(0, 5));
    await new Promise((r) => setImmediate(r));
    committer.add(at(1, 3));
    committer.add(at(0, 7));
    committer.add(at(1, 4));
    release();
    await committer.flush();
    assert.deepEqual(sorted(requests), [[at(0, 5)], [at(0, 7), at(1, 4)]]);
    assert.equal(committer.queued, 0);
  });

  it('tries a failed commit again, unless a later offset of the partition has been added meanwhile', async () => {
    const requests: PartitionOffset[][] = [];
    const errors: unknown[] = [];
    let fail = true;
    const committer: OffsetCommitter = new OffsetCommitter(
      async (offsets) => {
        requests.push(offsets);
        if (fail) {
          fail = false;
          committer.add(at(0, 9)); // a later batch of partition 0 finished during the failed commit
          throw new Error('REBALANCE_IN_PROGRESS');
        }
      },
      { retryMs: 0, onError: (e) => errors.push(e) },
    );
    committer.add(at(0, 5));
    committer.add(at(1, 2));
    await committer.flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(requests, [
      [at(0, 5), at(1, 2)],
      [at(0, 9), at(1, 2)],
    ]);
  });

  it('gives up on a partition after its attempts, so a broker that refuses cannot wedge the consumer', async () => {
    let calls = 0;
    const committer = new OffsetCommitter(
      async () => {
        calls++;
        throw new Error('ILLEGAL_GENERATION');
      },
      { attempts: 3, retryMs: 0 },
    );
    committer.add(at(0, 1));
    await committer.flush();
    assert.equal(calls, 3);
    assert.equal(committer.queued, 0);
  });

  it('commits an offset added just as a drain ends, whatever the microtask it lands on', async () => {
    for (let delay = 0; delay < 8; delay++) {
      const committed: PartitionOffset[] = [];
      const committer = new OffsetCommitter(async (offsets) => {
        committed.push(...offsets);
      });
      committer.add(at(0, 1));
      let tick = Promise.resolve();
      for (let i = 0; i < delay; i++) tick = tick.then(() => undefined);
      await tick;
      committer.add(at(1, 1));
      await committer.flush();
      assert.equal(committer.queued, 0, `added ${delay} microtasks later`);
      assert.ok(
        committed.some((o) => o.partition === 1),
        `partition 1, added ${delay} microtasks later, committed`,
      );
    }
  });

  it('spaces commits by minIntervalMs, offsets added meanwhile sharing the next; a flush does not wait', async () => {
    const requests: PartitionOffset[][] = [];
    const committer = new OffsetCommitter(
      async (offsets) => {
        requests.push(offsets);
      },
      { minIntervalMs: 60_000 },
    );
    const nextTurn = () => new Promise((r) => setImmediate(r));
    committer.add(at(0, 1));
    await nextTurn();
    committer.add(at(0, 2));
    await nextTurn();
    committer.add(at(1, 1));
    await nextTurn();
    assert.deepEqual(requests, [[at(0, 1)]], 'the first at once, the others waiting');
    await committer.flush();
    assert.deepEqual(sorted(requests), [[at(0, 1)], [at(0, 2), at(1, 1)]]);
    assert.equal(committer.queued, 0);
  });

  it('forgets the queued offsets of partitions the member no longer holds', async () => {
    const { committer, requests, release } = holdingFirstCommit();
    committer.add(at(0, 1));
    await new Promise((r) => setImmediate(r));
    committer.add(at(0, 2));
    committer.add(at(1, 9));
    committer.forget((_topic, partition) => partition === 0);
    release();
    await committer.flush();
    assert.deepEqual(sorted(requests), [[at(0, 1)], [at(0, 2)]]);
  });
});
