import type pg from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool under a TypeORM Postgres data source. */
export const poolOf = (db: DataSource): pg.Pool =>
  (db.driver as unknown as { master: pg.Pool }).master;

/**
 * Runs SQL on the data source's pool and returns its rows, without TypeORM's query runner (an
 * entity manager, a runner and its release for every statement: a measurable share of a consumer's
 * batch). Postgres errors come as pg's DatabaseError, not wrapped in a QueryFailedError.
 */
export async function queryRows<T>(
  db: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await poolOf(db).query(sql, params);
  return result.rows as T[];
}
