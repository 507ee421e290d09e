import type pg from 'pg';
import type { DataSource } from 'typeorm';

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
  const pool = (db.driver as unknown as { master: pg.Pool }).master;
  const result = await pool.query(sql, params);
  return result.rows as T[];
}
