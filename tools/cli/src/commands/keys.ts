import { call, type ApiTarget } from './labels.js';

export const KEY_SCOPES = ['ingest', 'read', 'admin'] as const;

export interface KeyRow {
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

/** Parses `--scopes ingest,read`; every scope must be one Wink knows. */
export function parseScopes(list: string): string[] {
  const scopes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(KEY_SCOPES as readonly string[]).includes(s));
  if (scopes.length === 0 || unknown.length > 0)
    throw new Error(`--scopes takes a comma-separated list of ${KEY_SCOPES.join(', ')}`);
  return scopes;
}

/** Issues a key of the calling (admin) key's tenant; the new key is shown only in this answer. */
export async function issueKey(
  target: ApiTarget,
  scopes: string[],
): Promise<{ apiKey: string; prefix: string; scopes: string[] }> {
  return (await call(target, '/v1/keys', { scopes })).json() as Promise<{
    apiKey: string;
    prefix: string;
    scopes: string[];
  }>;
}

export async function listKeys(target: ApiTarget): Promise<KeyRow[]> {
  return ((await (await call(target, '/v1/keys')).json()) as { keys: KeyRow[] }).keys;
}

/** Revokes the tenant's keys with this prefix; every service stops accepting them at once. */
export async function revokeKey(target: ApiTarget, prefix: string): Promise<number> {
  const path = `/v1/keys/${encodeURIComponent(prefix)}/revoke`;
  return ((await (await call(target, path, {})).json()) as { revoked: number }).revoked;
}

export function formatKeys(rows: KeyRow[]): string {
  return rows
    .map(
      (k) =>
        `${k.prefix.padEnd(12)} ${k.scopes.join(',').padEnd(18)} issued ${k.createdAt}${k.revokedAt ? `  revoked ${k.revokedAt}` : ''}`,
    )
    .join('\n');
}
