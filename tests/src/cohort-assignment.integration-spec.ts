import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { cohortOf } from '@wink/contracts';
import { cohortSql, createDataSource, ensureDatabase } from '@wink/persistence';
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

  it('puts every session in the same cohort in SQL as in the services, near the share', async () => {
    const experimentId = randomUUID();
    const share = 0.3;
    const ids = Array.from({ length: 5000 }, (_, i) =>
      i % 2 ? randomUUID() : `session-${i}-${'é'.repeat(i % 3)}`,
    );
    const rows: Array<{ id: string; cohort: string }> = await db.query(
      `SELECT id, ${cohortSql('$1::uuid', '$2::double precision', 'id')} AS cohort
         FROM unnest($3::text[]) AS id`,
      [experimentId, share, ids],
    );
    const mismatched = rows.filter((r) => r.cohort !== cohortOf(experimentId, r.id, share));
    assert.deepEqual(mismatched.slice(0, 3), []);
    const treated = rows.filter((r) => r.cohort === 'treatment').length / rows.length;
    assert.ok(Math.abs(treated - share) < 0.03, `treatment share ${treated}`);
  });
});
