import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { hashApiKey } from '@wink/persistence';
import { ApiKeyGuard, type AuthedRequest } from './api-key.guard.js';

/** A guard over a key table of one key with the `ingest` scope; counts the lookups it makes. */
function guardWithOneKey(key: string) {
  const lookups: string[] = [];
  const db = {
    options: { url: 'postgres://unused' },
    query: async (_sql: string, [keyHash]: [string]) => {
      lookups.push(keyHash);
      return keyHash === hashApiKey(key) ? [{ tenant_id: 'tenant-1', scopes: ['ingest'] }] : [];
    },
  } as unknown as DataSource;
  return { guard: new ApiKeyGuard(db, new Reflector()), lookups };
}

const request = (authorization?: string): AuthedRequest => ({
  headers: authorization ? { authorization } : {},
  ip: '192.0.2.1',
});

describe('ApiKeyGuard.authenticate', () => {
  it('checks the key once per request: the route guard reuses the check made before the body', async () => {
    const { guard, lookups } = guardWithOneKey('wink_k1');
    const req = request('Bearer wink_k1');
    await guard.authenticate(req);
    req.headers = {}; // the route's check must not need the header again
    await guard.authenticate(req, 'ingest');
    assert.equal(req.tenantId, 'tenant-1');
    assert.equal(req.apiKeyHash, hashApiKey('wink_k1'));
    assert.equal(lookups.length, 1);
  });

  it('still enforces the scope on the reused grant', async () => {
    const { guard } = guardWithOneKey('wink_k1');
    const req = request('Bearer wink_k1');
    await guard.authenticate(req);
    await assert.rejects(guard.authenticate(req, 'admin'), ForbiddenException);
  });

  it('answers 401 for a missing or unknown key', async () => {
    const { guard } = guardWithOneKey('wink_k1');
    await assert.rejects(guard.authenticate(request(), 'ingest'), UnauthorizedException);
    await assert.rejects(
      guard.authenticate(request('Bearer wink_other'), 'ingest'),
      UnauthorizedException,
    );
  });
});
