import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { queryOnPool } from './query-rows.js';

/**
 * Runs one statement on its own (autocommit) as a named prepared statement on the data source's
 * pool: one round trip, and Postgres parses and plans it once per connection instead of at every
 * call as it does TypeORM's unnamed ones. `name` must always come with the same `text`.
 */
export async function preparedQuery<T extends pg.QueryResultRow>(
  db: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const result = await queryOnPool<T>(db, { name, text, values });
  return result.rows;
}

/**
 * A `jsonb` parameter in Postgres' binary form (a version byte, then the JSON text) from JSON
 * texts already in hand, as one array: no decoding to a JS string and encoding back.
 */
export function jsonbArrayParam(texts: Buffer[]): Buffer {
  const parts: Buffer[] = [JSONB_VERSION_AND_OPEN];
  for (let i = 0; i < texts.length; i++) {
    if (i > 0) parts.push(COMMA);
    parts.push(texts[i]);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
const JSONB_VERSION_AND_OPEN = Buffer.from([1, 0x5b]);
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
