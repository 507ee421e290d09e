import pg from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool under a TypeORM Postgres data source; a plain (transient) Error once it is closed. */
export function poolOf(db: DataSource): pg.Pool {
  const pool = (db.driver as unknown as { master?: pg.Pool }).master;
  if (!pool) throw new Error('the database connection pool is not open');
  return pool;
}

/**
 * Runs one statement on a connection of the data source's pool. A connection whose statement
 * Postgres refused is healthy and goes back to the pool, with its prepared statements (pg's
 * `pool.query` would close it on any error); one that failed otherwise is dropped.
 */
export async function queryOnPool<R extends pg.QueryResultRow>(
  db: DataSource,
  query: pg.QueryConfig,
): Promise<pg.QueryResult<R>> {
  const client = await poolOf(db).connect();
  try {
    const result = await client.query<R>(query);
    client.release();
    return result;
  } catch (error) {
    client.release(error instanceof pg.DatabaseError ? undefined : (error as Error));
    throw error;
  }
}

/**
 * Runs `use` once for each of `connections` connections of the pool (by default and at most,
 * its size) at once, each with a data source whose every statement goes to that one
 * connection: to prepare a service's hot statements on each connection it will use, not on
 * whichever the pool hands out. The connections stay in the pool afterwards; one whose `use`
 * failed other than by Postgres refusing a statement is dropped. When a connection cannot be
 * opened (Postgres at its connection limit), those that were go back to the pool unused.
 */
export async function onEachConnection(
  db: DataSource,
  use: (pinned: DataSource) => Promise<unknown>,
  connections = Infinity,
): Promise<void> {
  const pool = poolOf(db);
  const n = Math.max(0, Math.min(connections, pool.options.max ?? 10));
  const connecting = await Promise.allSettled(Array.from({ length: n }, () => pool.connect()));
  const clients = connecting.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  const refused = connecting.find((c) => c.status === 'rejected');
  if (refused) {
    for (const client of clients) client.release();
    throw refused.reason;
  }
  const failures = await Promise.all(
    clients.map(async (client) => {
      const pinned = { driver: { master: { connect: async () => pinnedClient(client) } } };
      try {
        await use(pinned as unknown as DataSource);
        return null;
      } catch (error) {
        return error as Error;
      }
    }),
  );
  clients.forEach((client, i) =>
    client.release(
      failures[i] instanceof pg.DatabaseError ? undefined : (failures[i] ?? undefined),
    ),
  );
  const failed = failures.find((f) => f !== null);
  if (failed) throw failed;
}

/** `client` as `queryOnPool` uses a pooled one, but left checked out when it is released. */
const pinnedClient = (client: pg.PoolClient) =>
  ({ query: client.query.bind(client), release: () => undefined }) as unknown as pg.PoolClient;

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
  const result = await queryOnPool(db, { text: sql, values: params });
  return result.rows as T[];
}
