import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { handleIsolatingPoison } from '@wink/kafka';
import { mergedWrites } from './merged-writes.js';

interface Row {
  partition: number;
  value: string;
}

/** A Postgres data exception as pg raises it (invalid input syntax, class 22). */
const invalidInput = () =>
  Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });

/** A store that commits a write whole, or nothing of it when one of its rows is bad. */
function store() {
  const committed: string[] = [];
  let writes = 0;
  const write = async (rows: Row[]) => {
    writes++;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (rows.some((r) => r.value === 'bad')) throw invalidInput();
    committed.push(...rows.map((r) => `${r.partition}:${r.value}`));
  };
  return { committed, write, writes: () => writes };
}

const consumePartitions = (handle: (rows: Row[]) => Promise<void>, batches: Row[][]) =>
  Promise.all(
    batches.map((batch) =>
      handleIsolatingPoison(batch, handle, {
        attempts: 3,
        backoffMs: () => 0,
        between: async () => {},
      }),
    ),
  );

const batch = (partition: number, ...values: string[]) =>
  values.map((value) => ({ partition, value }));

describe('mergedWrites', () => {
  it('writes the batches of several partitions handed over together in one write', async () => {
    const db = store();
    const writes = mergedWrites(db.write);
    const poisoned = await consumePartitions(
      (rows) => writes.submit(rows),
      [batch(0, 'a'), batch(1, 'b', 'c'), batch(2, 'd')],
    );
    assert.deepEqual(poisoned, [[], [], []]);
    assert.equal(db.writes(), 1);
    assert.deepEqual(db.committed, ['0:a', '1:b', '1:c', '2:d']);
  });

  it("sets aside only the bad row of one partition's batch, and every other partition's rows take effect", async () => {
    const db = store();
    const writes = mergedWrites(db.write);
    const poisoned = await consumePartitions(
      (rows) => writes.submit(rows),
      [
        batch(0, 'a', 'bad', 'b'),
        batch(1, 'c'),
        batch(2, 'd', 'e'),
        batch(3, 'bad'),
        batch(4, 'f'),
      ],
    );
    assert.deepEqual(
      poisoned.map((p) => p.map((x) => `${x.message.partition}:${x.message.value}`)),
      [['0:bad'], [], [], ['3:bad'], []],
    );
    assert.deepEqual(poisoned[0][0].attempts, 3);
    assert.deepEqual([...db.committed].sort(), ['0:a', '0:b', '1:c', '2:d', '2:e', '4:f']);
  });

  it('fails every batch of a merged write on a failure of the world, for each to be retried', async () => {
    const writes = mergedWrites(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const outcomes = await Promise.allSettled([
      writes.submit(batch(0, 'a')),
      writes.submit(batch(1, 'b')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
  });
});
