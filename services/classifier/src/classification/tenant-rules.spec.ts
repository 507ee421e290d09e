import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { TenantRules } from './tenant-rules.js';

const TENANT = '6f1c1f7e-5b1a-4d0e-9a59-0c2f3c8f4b11';
const pair = { tenantId: TENANT, agentName: 'claude-code' };

/** A Postgres whose tenant row holds `failingRepeats`; each read waits until `answer()`. */
function fakeDb() {
  const state = { failingRepeats: 5, reads: 0, down: false };
  const waiting: Array<() => void> = [];
  const db = {
    query: async (sql: string) => {
      state.reads++;
      await new Promise<void>((r) => waiting.push(r));
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      if (sql.includes('detector_thresholds'))
        return [{ detector_thresholds: { failingRepeats: state.failingRepeats } }];
      return [];
    },
  } as unknown as DataSource;
  const answer = () => waiting.splice(0).forEach((r) => r());
  return { db, state, answer };
}

const settledYet = async (promise: Promise<void>) => {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return settled;
};

describe('TenantRules', () => {
  beforeEach(() => mock.timers.enable({ apis: ['Date'], now: 0 }));
  afterEach(() => mock.timers.reset());

  it("holds a tenant's first batches, all on one read, until its rules are loaded", async () => {
    const { db, state, answer } = fakeDb();
    const rules = new TenantRules(db);
    const first = rules.prefetch([pair]);
    const second = rules.prefetch([pair]);
    assert.equal(await settledYet(first), false);
    assert.equal(await settledYet(second), false);
    answer();
    await Promise.all([first, second]);
    assert.equal(state.reads, 2, 'thresholds and tool schemas, read once each');
    assert.equal(rules.thresholdsFor(TENANT).failingRepeats, 5);
  });

  it('serves rules past their TTL while reading them again, without holding the batch', async () => {
    const { db, state, answer } = fakeDb();
    const rules = new TenantRules(db);
    const loading = rules.prefetch([pair]);
    answer();
    await loading;
    state.failingRepeats = 7;
    mock.timers.tick(30_001);
    await rules.prefetch([pair]);
    assert.equal(rules.thresholdsFor(TENANT).failingRepeats, 5, 'the old rules until the read');
    await rules.prefetch([pair]);
    assert.equal(state.reads, 4, 'one read again under way, not one per batch');
    answer();
    await new Promise((r) => setImmediate(r));
    assert.equal(rules.thresholdsFor(TENANT).failingRepeats, 7);
  });

  it('keeps the last rules when Postgres cannot answer, and tries again after the TTL', async () => {
    const { db, state, answer } = fakeDb();
    const rules = new TenantRules(db);
    const loading = rules.prefetch([pair]);
    answer();
    await loading;
    state.down = true;
    mock.timers.tick(30_001);
    await rules.prefetch([pair]);
    answer();
    await new Promise((r) => setImmediate(r));
    assert.equal(rules.thresholdsFor(TENANT).failingRepeats, 5);
    await rules.prefetch([pair]);
    assert.equal(state.reads, 4, 'not read again before the TTL');
    mock.timers.tick(30_001);
    await rules.prefetch([pair]);
    assert.equal(state.reads, 6);
  });

  it('uses the default thresholds for a tenant whose first read failed', async () => {
    const { db, state, answer } = fakeDb();
    state.down = true;
    const rules = new TenantRules(db);
    const loading = rules.prefetch([pair]);
    answer();
    await loading;
    assert.equal(rules.thresholdsFor(TENANT).failingRepeats, 3);
  });
});
