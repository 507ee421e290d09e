import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { cohortOf, cohortPoint } from '@wink/contracts';
import { COHORT_POINT_SQL, createDataSource, ensureDatabase } from '@wink/persistence';
import { TEST_DATABASE_URL } from './harness/infrastructure.js';

describe('cohort assignment (real Postgres)', () => {
  let db: DataSource;

  before(async () => {
    await ensureDatabase(TEST_DATABASE_URL);
    db = await createDataSource(TEST_DATABASE_URL, 1).initialize();
  });

  after(async () => {
    await db?.destroy();
  });

  it('gives every session the same point in SQL as in the services, and cohorts near the share', async () => {
    const share = 0.3;
    const ids = Array.from({ length: 5000 }, (_, i) =>
      i % 2 ? randomUUID() : `session-${i}-${'é'.repeat(i % 3)}`,
    );
    const rows: Array<{ id: string; point: number }> = await db.query(
      `SELECT id, ${COHORT_POINT_SQL('id')}::float AS point FROM unnest($1::text[]) AS id`,
      [ids],
    );
    const mismatched = rows.filter((r) => r.point !== cohortPoint(r.id));
    assert.deepEqual(mismatched.slice(0, 3), []);
    const treated = ids.filter((id) => cohortOf(id, share) === 'treatment').length / ids.length;
    assert.ok(Math.abs(treated - share) < 0.03, `treatment share ${treated}`);
  });
});
