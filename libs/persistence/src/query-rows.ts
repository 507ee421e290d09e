import type { DataSource } from 'typeorm';

/**
 * Runs SQL and returns its rows. TypeORM's `DataSource.query` returns `[rows, count]` for an
 * UPDATE or DELETE on Postgres; the structured result's `records` is always the rows.
 */
export async function queryRows<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
