import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  API_KEY_PREFIX,
  hashApiKey,
  issueApiKey,
  revokeApiKeys,
  tenantForApiKey,
} from '@wink/persistence';
import { prepareInfrastructure } from './harness/infrastructure.js';

describe('API keys (real Postgres)', () => {
  let db: DataSource;
  before(async () => {
    db = await prepareInfrastructure();
  });
  after(() => db?.destroy());

  it('stores only hashes, and rotates: a new key works, the revoked one stops', async () => {
    const tenant = `keys-${randomUUID()}`;
    const old = await issueApiKey(db, tenant);
    const fresh = await issueApiKey(db, tenant);
    assert.equal(fresh.tenantId, old.tenantId);
    const stored = await db.query('SELECT key_hash, prefix FROM api_keys WHERE tenant_id = $1', [
      old.tenantId,
    ]);
    assert.ok(stored.every((r: { key_hash: string }) => !r.key_hash.startsWith(API_KEY_PREFIX)));
    assert.ok(stored.some((r: { key_hash: string }) => r.key_hash === hashApiKey(old.apiKey)));
    const prefix = old.apiKey.slice(0, API_KEY_PREFIX.length + 6);
    assert.equal(await revokeApiKeys(db, tenant, prefix), 1);
    assert.equal(await tenantForApiKey(db, old.apiKey), null);
    assert.equal(await tenantForApiKey(db, fresh.apiKey), old.tenantId);
  });
});
