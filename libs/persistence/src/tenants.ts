import { hash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { queryRows } from './query-rows.js';

export const API_KEY_PREFIX = 'wink_';
/** Notified with a key's hash when it is revoked or deleted (a trigger on `api_keys`). */
export const API_KEY_REVOKED_CHANNEL = 'wink_api_key_revoked';

/**
 * `ingest`: events, trajectories, and guidance for its sessions. `read`: analytics, the
 * dashboard, timelines, outcomes. `admin`: settings, webhooks, thresholds, keys, labels,
 * experiments.
 */
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

export interface IssuedKey {
  tenantId: string;
  apiKey: string;
}

export interface KeyGrant {
  tenantId: string;
  scopes: Scope[];
}

export interface KeyListing {
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Creates the tenant if needed and issues a new API key for it (every scope unless told
 * otherwise); the key itself is never stored.
 */
export async function issueApiKey(
  db: DataSource,
  tenantName: string,
  scopes: readonly Scope[] = SCOPES,
): Promise<IssuedKey> {
  const [tenant] = await db.query(
    `INSERT INTO tenants (name) VALUES ($1)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [tenantName],
  );
  return { tenantId: tenant.id, apiKey: await issueTenantKey(db, tenant.id, scopes) };
}

/** A new key for an existing tenant with exactly `scopes`. */
export async function issueTenantKey(
  db: DataSource,
  tenantId: string,
  scopes: readonly Scope[],
): Promise<string> {
  const apiKey = API_KEY_PREFIX + randomBytes(24).toString('base64url');
  await db.query(
    `INSERT INTO api_keys (tenant_id, key_hash, prefix, scopes) VALUES ($1, $2, $3, $4::text[])`,
    [tenantId, hashApiKey(apiKey), apiKeyPrefix(apiKey), [...new Set(scopes)]],
  );
  return apiKey;
}

/** The tenant and scopes of an unrevoked key, looked up by the key's hash; null when none. */
export async function grantForKeyHash(db: DataSource, keyHash: string): Promise<KeyGrant | null> {
  const rows: Array<{ tenant_id: string; scopes: Scope[] }> = await db.query(
    `SELECT tenant_id, scopes FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
  return rows[0] ? { tenantId: rows[0].tenant_id, scopes: rows[0].scopes } : null;
}

/** The tenant an unrevoked key belongs to, or null. */
export async function tenantForApiKey(db: DataSource, apiKey: string): Promise<string | null> {
  return (await grantForKeyHash(db, hashApiKey(apiKey)))?.tenantId ?? null;
}

export async function listTenantKeys(db: DataSource, tenantId: string): Promise<KeyListing[]> {
  const rows: Array<{
    prefix: string;
    scopes: Scope[];
    created_at: Date;
    revoked_at: Date | null;
  }> = await db.query(
    `SELECT prefix, scopes, created_at, revoked_at FROM api_keys WHERE tenant_id = $1
        ORDER BY created_at`,
    [tenantId],
  );
  return rows.map((r) => ({
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}

/** Revokes the tenant's unrevoked keys that start with `prefix`; returns how many. */
export async function revokeTenantKeys(
  db: DataSource,
  tenantId: string,
  prefix: string,
): Promise<number> {
  const rows = await queryRows(
    db,
    `UPDATE api_keys SET revoked_at = now()
      WHERE tenant_id = $1 AND prefix = $2 AND revoked_at IS NULL RETURNING id`,
    [tenantId, prefix],
  );
  return rows.length;
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
