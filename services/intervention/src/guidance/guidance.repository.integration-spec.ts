import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { GuidanceV1 } from '@wink/contracts';
import { issueApiKey } from '@wink/persistence';
import { openMigratedDatabase } from '@wink/persistence/testing/test-database.js';
import { GuidanceRepository } from './guidance.repository.js';

const LEASE_MS = 10_000;

describe('GuidanceRepository.storeDecisions on the real Postgres: which publications it leases', () => {
  let db: DataSource;
  let repo: GuidanceRepository;
  let tenantId: string;

  before(async () => {
    db = await openMigratedDatabase();
    ({ tenantId } = await issueApiKey(db, `guidance-repository-${randomUUID()}`));
    repo = new GuidanceRepository(db);
  });

  after(async () => {
    await db?.destroy();
  });

  const guidance = (): GuidanceV1 => ({
    v: 1,
    interventionId: randomUUID(),
    tenantId,
    sessionId: `s-${randomUUID()}`,
    verdictIds: [randomUUID()],
    category: 'reasoning_problem',
    subtype: 'repetitive_loop',
    signature: 'Bash:npm test',
    severity: 'nudge',
    text: 'You have run the same failing command several times.',
    cohort: 'treatment',
    atSeq: 6,
    createdAt: Date.now(),
    sourceReceivedAt: Date.now(),
  });

  const topicRow = async (id: string) =>
    (
      await db.query(
        `SELECT status, next_attempt_at FROM deliveries WHERE intervention_id = $1 AND channel = 'topic'`,
        [id],
      )
    )[0] as { status: string; next_attempt_at: Date | null };

  it('leases new guidance, and a redelivered one only while pending with its lease run out', async () => {
    const [fresh, expired, held, delivered, dead] = Array.from({ length: 5 }, guidance);
    const stored = [expired, held, delivered, dead];
    const first = await repo.storeDecisions(
      stored.map((g) => ({ guidance: g, first: true })),
      [],
      stored,
      LEASE_MS,
    );
    assert.deepEqual(new Set(first.leased), new Set(stored.map((g) => g.interventionId)));
    await db.query(
      `UPDATE deliveries SET next_attempt_at = now() - interval '1 second'
        WHERE intervention_id = $1 AND channel = 'topic'`,
      [expired.interventionId],
    );
    await repo.markPublished([delivered.interventionId]);
    await repo.markUnpublishable(dead.interventionId, 'MESSAGE_TOO_LARGE');
    const heldUntil = (await topicRow(held.interventionId)).next_attempt_at;

    const again = await repo.storeDecisions(
      [{ guidance: fresh, first: true }],
      [],
      [fresh, expired, held, delivered, dead],
      LEASE_MS,
    );
    assert.deepEqual(
      new Set(again.leased),
      new Set([fresh.interventionId, expired.interventionId]),
    );
    assert.ok((await topicRow(expired.interventionId)).next_attempt_at! > new Date());
    assert.deepEqual(await topicRow(held.interventionId), {
      status: 'pending',
      next_attempt_at: heldUntil,
    });
    assert.equal((await topicRow(delivered.interventionId)).status, 'delivered');
    assert.equal((await topicRow(dead.interventionId)).status, 'dead');
  });
});
