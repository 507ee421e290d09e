import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import { preparedQuery } from './prepared-query.js';
import { onEachConnection, poolOf, queryRows } from './query-rows.js';
import { openMigratedDatabase, TEST_DATABASE_URL } from './testing/test-database.js';

const backend = async (db: DataSource) =>
  (await queryRows<{ pid: number }>(db, 'SELECT pg_backend_pid() AS pid'))[0].pid;

/** A pool of `size` on the migrated test database, open for the suite that calls this. */
function suitePool(size: number): () => DataSource {
  let db: DataSource;
  before(async () => {
    await (await openMigratedDatabase()).destroy();
    db = await createDataSource(TEST_DATABASE_URL, size).initialize();
  });
  after(async () => {
    await db?.destroy();
  });
  return () => db;
}

describe('queryRows and preparedQuery on the real Postgres', () => {
  const db = suitePool(1);

  it('keeps a connection whose statement Postgres refused, with its prepared statements', async () => {
    const pid = await backend(db());
    await preparedQuery(db(), 'wink_test_query_rows_one', 'SELECT $1::int + 1 AS n', [1]);
    await assert.rejects(queryRows(db(), 'SELECT 1 / 0'), { code: '22012' });
    await assert.rejects(
      preparedQuery(db(), 'wink_test_query_rows_bad', 'SELECT $1::int AS n', ['x']),
      { code: '22P02' },
    );
    assert.equal(await backend(db()), pid, 'the same backend after both errors');
    const [{ prepared }] = await queryRows<{ prepared: number }>(
      db(),
      `SELECT count(*)::int AS prepared FROM pg_prepared_statements WHERE name = 'wink_test_query_rows_one'`,
    );
    assert.equal(prepared, 1);
  });

  it('fails with a plain error, not a TypeError, once the data source is closed', async () => {
    const closed = await createDataSource(TEST_DATABASE_URL, 1).initialize();
    await closed.destroy();
    await assert.rejects(queryRows(closed, 'SELECT 1'), (error: Error) => {
      assert.equal(error.name, 'Error');
      assert.match(error.message, /not open/);
      return true;
    });
  });
});

describe('onEachConnection on the real Postgres', () => {
  const db = suitePool(3);

  it('runs on each of the pool connections at once, each statement of a run on its own one', async () => {
    const runs: number[][] = [];
    await onEachConnection(db(), async (pinned) => {
      const pids = [await backend(pinned)];
      await preparedQuery(pinned, 'wink_test_each_connection', 'SELECT $1::int AS n', [1]);
      pids.push(await backend(pinned));
      runs.push(pids);
    });
    assert.equal(runs.length, 3);
    for (const [a, b] of runs) assert.equal(a, b, 'one backend for all of a run');
    assert.equal(new Set(runs.map(([pid]) => pid)).size, 3, 'a backend for each run');
    assert.equal(poolOf(db()).idleCount, 3, 'back in the pool');
    await onEachConnection(db(), async (pinned) => {
      const [{ prepared }] = await queryRows<{ prepared: number }>(
        pinned,
        `SELECT count(*)::int AS prepared FROM pg_prepared_statements WHERE name = 'wink_test_each_connection'`,
      );
      assert.equal(prepared, 1, 'prepared on every connection');
    });
  });

  it('rejects with the first failure, keeping a connection Postgres refused a statement on', async () => {
    const before = new Set<number>();
    await onEachConnection(db(), async (pinned) => void before.add(await backend(pinned)));
    await assert.rejects(
      onEachConnection(db(), (pinned) => queryRows(pinned, 'SELECT 1 / 0')),
      { code: '22012' },
    );
    const after = new Set<number>();
    await onEachConnection(db(), async (pinned) => void after.add(await backend(pinned)));
    assert.deepEqual(after, before);
  });
});

describe('onEachConnection when Postgres refuses a connection', () => {
  const role = 'wink_test_two_connections';
  let admin: DataSource;

  before(async () => {
    admin = await openMigratedDatabase();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
  });

  after(async () => {
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.destroy();
  });

  it('rejects, running nothing, and puts the connections it did open back in the pool', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    const db = await createDataSource(url.toString(), 3).initialize();
    try {
      let runs = 0;
      await assert.rejects(
        onEachConnection(db, async () => void runs++),
        /too many connections for role/,
      );
      assert.equal(runs, 0);
      const pool = poolOf(db);
      assert.equal(pool.totalCount - pool.idleCount, 0, 'none left checked out');
      assert.equal((await queryRows<{ n: number }>(db, 'SELECT 1 AS n'))[0].n, 1);
    } finally {
      await db.destroy();
    }
  });
});

describe("createDataSource's pool on the real Postgres", () => {
  it("keeps `keepOpen` connections however long idle (the pool's min), at most its size, none by default", async () => {
    for (const [keepOpen, min] of [
      [undefined, 0],
      [2, 2],
      [5, 3],
    ] as const) {
      const db = await createDataSource(TEST_DATABASE_URL, 3, 0, keepOpen).initialize();
      try {
        assert.equal(poolOf(db).options.min, min);
      } finally {
        await db.destroy();
      }
    }
  });
});
