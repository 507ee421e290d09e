import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryRows } from './query-rows.js';

export const API_KEY_PREFIX = 'wink_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface IssuedKey {
  tenantId: string;
  apiKey: string;
}

/** Creates the tenant if needed and issues a new API key for it; the key itself is never stored. */
export async function issueApiKey(db: DataSource, tenantName: string): Promise<IssuedKey> {
  const apiKey = API_KEY_PREFIX + randomBytes(24).toString('base64url');
  const [tenant] = await db.query(
    `INSERT INTO tenants (name) VALUES ($1)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [tenantName],
  );
  await db.query(`INSERT INTO api_keys (tenant_id, key_hash, prefix) VALUES ($1, $2, $3)`, [
    tenant.id,
    hashApiKey(apiKey),
    apiKey.slice(0, API_KEY_PREFIX.length + 6),
  ]);
  return { tenantId: tenant.id, apiKey };
}

/** The tenant an unrevoked key belongs to, or null. */
export async function tenantForApiKey(db: DataSource, apiKey: string): Promise<string | null> {
  const rows = await db.query(
    `SELECT tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [hashApiKey(apiKey)],
  );
  return rows[0]?.tenant_id ?? null;
}

/**
 * Revokes the tenant's keys that start with `prefix` (what `issueApiKey` shows as the key's
 * prefix); returns how many. Rotation is: issue a new key, move hosts to it, revoke the old one.
 */
export async function revokeApiKeys(
  db: DataSource,
  tenantName: string,
  prefix: string,
): Promise<number> {
  const rows = await queryRows(
    db,
    `UPDATE api_keys k SET revoked_at = now() FROM tenants t
      WHERE t.id = k.tenant_id AND t.name = $1 AND k.prefix = $2 AND k.revoked_at IS NULL
      RETURNING k.id`,
    [tenantName, prefix],
  );
  return rows.length;
}
