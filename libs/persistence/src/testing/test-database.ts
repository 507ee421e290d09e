import type { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase } from '../data-source.js';

/** The database integration specs run against (the harness' and CI's TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wink_test';

/** The database at `url`, created when missing and migrated, through a pool of `poolSize`. */
export async function openMigratedDatabase(
  url = TEST_DATABASE_URL,
  poolSize = 2,
): Promise<DataSource> {
  await ensureDatabase(url);
  const db = await createDataSource(url, poolSize).initialize();
  await db.runMigrations({ transaction: 'each' });
  return db;
}
