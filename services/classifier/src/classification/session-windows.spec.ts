import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SessionWindows, type EvictionReason } from './session-windows.js';

const tenantOf = (key: string) => key.split('/')[0];

describe('SessionWindows', () => {
  it('evicts the least recently used session beyond the bound', () => {
    const windows = new SessionWindows(2, 8, 10, tenantOf);
    windows.create('t/a', 0);
    windows.create('t/b', 0);
    windows.pin(['t/a']);
    windows.unpin(['t/a']);
    windows.create('t/c', 0);
    assert.equal(windows.size, 2);
    assert.ok(windows.get('t/a'));
    assert.equal(windows.get('t/b'), undefined);
    assert.ok(windows.get('t/c'));
  });

  it("keeps each tenant to its share: a flood evicts the flooder's own sessions", () => {
    const windows = new SessionWindows(10, 8, 4, tenantOf);
    for (const s of ['1', '2', '3']) windows.create(`quiet/${s}`, 0);
    for (let i = 0; i < 1000; i++) windows.create(`noisy/${i}`, 0);
    assert.equal(windows.heldBy('noisy'), 4);
    assert.equal(windows.heldBy('quiet'), 3);
    for (const s of ['1', '2', '3']) assert.ok(windows.get(`quiet/${s}`), `quiet/${s} kept`);
    assert.ok(windows.get('noisy/999'));
    assert.equal(windows.get('noisy/995'), undefined);
  });

  it('recreating a session replaces its window without counting it twice', () => {
    const windows = new SessionWindows(10, 8, 2, tenantOf);
    windows.create('t/a', 0);
    windows.create('t/a', 0);
    windows.create('t/b', 0);
    assert.equal(windows.heldBy('t'), 2);
    assert.ok(windows.get('t/a'));
  });

  it('never evicts a pinned window: the cap is exceeded until the batch releases it', () => {
    const windows = new SessionWindows(10, 8, 2, tenantOf);
    const batch = ['t/a', 't/b', 't/c'];
    windows.pin(batch);
    for (const key of batch) windows.create(key, 0);
    assert.equal(windows.heldBy('t'), 3);
    for (const key of batch) assert.ok(windows.get(key), `${key} kept while pinned`);
    windows.unpin(batch);
    windows.create('t/d', 0);
    assert.equal(windows.heldBy('t'), 2);
    assert.equal(windows.get('t/a'), undefined);
    assert.ok(windows.get('t/d'));
  });

  it('a window pinned by two batches stays pinned until both release it', () => {
    const windows = new SessionWindows(10, 8, 1, tenantOf);
    windows.pin(['t/a']);
    windows.pin(['t/a']);
    windows.create('t/a', 0);
    windows.unpin(['t/a']);
    windows.create('t/b', 0);
    assert.ok(windows.get('t/a'), 'still pinned by the other batch');
    windows.unpin(['t/a']);
    windows.create('t/c', 0);
    assert.equal(windows.get('t/a'), undefined);
  });

  it('reports why each window went, and not a window replaced by its own session', () => {
    const reasons: EvictionReason[] = [];
    const windows = new SessionWindows(3, 8, 2, tenantOf, (reason) => reasons.push(reason));
    windows.create('t/a', 0);
    windows.create('t/a', 0);
    assert.deepEqual(reasons, [], 'recreating a session evicts nothing');
    windows.create('t/b', 0);
    windows.create('t/c', 0);
    assert.deepEqual(reasons, ['tenant'], "t/a made room within its tenant's share");
    windows.create('u/a', 1);
    windows.create('v/a', 1);
    assert.deepEqual(reasons, ['tenant', 'capacity'], "t/b made room within the worker's bound");
    windows.evictPartition(1);
    assert.deepEqual(reasons, ['tenant', 'capacity', 'partition', 'partition']);
    assert.equal(windows.size, 1);
  });
});
