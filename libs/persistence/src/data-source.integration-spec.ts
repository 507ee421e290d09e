import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source.js';
import { poolOf, queryRows } from './query-rows.js';
import { openMigratedDatabase, TEST_DATABASE_URL } from './testing/test-database.js';

describe('createDataSource on the real Postgres: a connection lost while checked out', () => {
  let db: DataSource;
  let admin: DataSource;
  before(async () => {
    admin = await openMigratedDatabase();
    db = await createDataSource(TEST_DATABASE_URL, 2).initialize();
  });
  after(async () => {
    await db?.destroy();
    await admin?.destroy();
  });

  it('does not take the process down, and the pool goes on with a new connection', async () => {
    const client = await poolOf(db).connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ended = new Promise((resolve) => client.once('end', resolve));
    // Between two statements, no statement running on it: the moment pg emits 'error' with only
    // the listeners the client itself has (pg-pool's is off while it is checked out).
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await ended;
    await assert.rejects(client.query('SELECT 1'), 'the lost connection refuses statements');
    client.release();
    const [{ pid }] = await queryRows<{ pid: number }>(db, 'SELECT pg_backend_pid() AS pid');
    assert.notEqual(pid, rows[0].pid, 'a new backend serves the pool');
  });
});
