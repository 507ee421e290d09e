#!/usr/bin/env node
// wink-db: migrate | revert | issue-key TENANT | revoke-key TENANT PREFIX | maintain.
// Uses DATABASE_URL (default: local `wink`); `maintain` (the events table's partitions and
// retention, as the recorder runs it hourly) reads RETENTION_DAYS and PARTITIONS_AHEAD_DAYS.
import { createDataSource, DEFAULT_DATABASE_URL, ensureDatabase } from './data-source.js';
import { DEFAULT_RETENTION, maintainEventPartitions } from './retention.js';
import { issueApiKey, revokeApiKeys } from './tenants.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name}: expected a positive integer`);
  return value;
}

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const [command, arg, arg2] = process.argv.slice(2);

async function main(): Promise<void> {
  await ensureDatabase(url);
  const db = await createDataSource(url, 2).initialize();
  try {
    if (command === 'migrate') {
      const ran = await db.runMigrations({ transaction: 'each' });
      console.error(`[db] ${ran.length} migration(s) applied to ${new URL(url).pathname.slice(1)}`);
    } else if (command === 'revert') {
      await db.undoLastMigration({ transaction: 'each' });
      console.error('[db] reverted the last migration');
    } else if (command === 'issue-key' && arg) {
      const issued = await issueApiKey(db, arg);
      console.log(JSON.stringify(issued));
    } else if (command === 'revoke-key' && arg && arg2) {
      console.error(`[db] revoked ${await revokeApiKeys(db, arg, arg2)} key(s)`);
    } else if (command === 'maintain') {
      const report = await maintainEventPartitions(db, {
        retentionDays: positiveInt('RETENTION_DAYS', DEFAULT_RETENTION.retentionDays),
        aheadDays: positiveInt('PARTITIONS_AHEAD_DAYS', DEFAULT_RETENTION.aheadDays),
      });
      console.log(JSON.stringify(report));
    } else {
      console.error(
        'usage: wink-db migrate | revert | issue-key TENANT_NAME | revoke-key TENANT_NAME KEY_PREFIX | maintain',
      );
      process.exitCode = 2;
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`[db] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
