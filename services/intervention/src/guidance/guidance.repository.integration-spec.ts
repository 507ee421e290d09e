import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { GuidanceV1 } from '@wink/contracts';
import { createDataSource, issueApiKey, onEachConnection, queryRows } from '@wink/persistence';
import {
  openMigratedDatabase,
  TEST_DATABASE_URL,
} from '@wink/persistence/testing/test-database.js';
import { GuidanceRepository } from './guidance.repository.js';

const LEASE_MS = 10_000;

// Both suites share one migrated database and one tenant.
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

describe('GuidanceRepository.storeDecisions on the real Postgres: which publications it leases', () => {
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

describe('GuidanceRepository on the real Postgres: steps a session recorded after a verdict', () => {
  const DAY_MS = 86_400_000;

  /** Events 1…n of a session, a day apart (each in its own partition), and its session row. */
  const recordSession = async (sessionId: string, steps: number) => {
    const first = Date.now() - (steps - 1) * DAY_MS;
    const at = (seq: number) => new Date(first + (seq - 1) * DAY_MS).toISOString();
    for (let seq = 1; seq <= steps; seq++)
      await db.query(
        `INSERT INTO events (tenant_id, event_id, session_id, seq, kind, ts, received_at, payload)
         VALUES ($1, $2, $3, $4, 'tool_call', $5, now(), '{}')`,
        [tenantId, randomUUID(), sessionId, seq, at(seq)],
      );
    await db.query(
      `INSERT INTO sessions (tenant_id, session_id, agent_name, first_seen_at, last_seen_at, last_seq,
                             event_count, first_received_at)
       VALUES ($1, $2, 'claude-code', $3, $4, $5, $6, now())`,
      [tenantId, sessionId, at(1), at(steps), steps, steps],
    );
  };

  const verdict = (sessionId: string, atSeq: number, staleSteps: number) => ({
    interventionId: randomUUID(),
    tenantId,
    sessionId,
    subtype: 'repetitive_loop' as const,
    signature: 'Bash:npm test',
    atSeq,
    staleSteps,
  });

  it('counts the later steps in every partition they fell in, up to one past staleSteps', async () => {
    const spread = `s-${randomUUID()}`;
    await recordSession(spread, 6);
    const inputs = await repo.policyInputs([
      verdict(spread, 2, 10),
      verdict(spread, 1, 2),
      verdict(spread, 6, 10),
      verdict(`s-${randomUUID()}`, 1, 10),
    ]);
    assert.deepEqual(
      inputs.map((i) => i.stepsAfter),
      [4, 3, 0, 0],
    );
  });

  it('resolves delivered guidance once its session recorded the outcome steps, wherever they fell, and no guidance never delivered', async () => {
    const sessionId = `s-${randomUUID()}`;
    await recordSession(sessionId, 6);
    const quiet = randomUUID();
    const recent = randomUUID();
    const neverDelivered = randomUUID();
    for (const [id, deliveredSeq] of [
      [quiet, 2],
      [recent, 3],
      [neverDelivered, null],
    ] as const)
      await db.query(
        `INSERT INTO guidance (intervention_id, tenant_id, session_id, verdict_ids, category, subtype,
                               signature, severity, text, cohort, at_seq, source_received_at,
                               created_at, delivered_at, delivered_seq)
         VALUES ($1, $2, $3, ARRAY[gen_random_uuid()], 'reasoning_problem', 'repetitive_loop',
                 'Bash:npm test', 'nudge', 'text', 'treatment', 1, now(), now(),
                 CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() END, $4)`,
        [id, tenantId, sessionId, deliveredSeq],
      );
    await repo.resolveQuietOnes(4);
    const rows: Array<{ intervention_id: string; outcome: string }> = await db.query(
      `SELECT intervention_id, outcome FROM guidance WHERE session_id = $1`,
      [sessionId],
    );
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.intervention_id, r.outcome])), {
      [quiet]: 'resolved',
      [recent]: 'open',
      [neverDelivered]: 'open',
    });
  });
});

describe('GuidanceRepository.warm on the real Postgres', () => {
  const rowCounts = async () =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM guidance)::int AS guidance,
                (SELECT count(*) FROM deliveries)::int AS deliveries`,
      )
    )[0] as { guidance: number; deliveries: number };

  /** The backends of `pool`, each with its prepared statements and their generic plans so far. */
  const preparedOn = async (pool: DataSource) => {
    const backends = new Map<number, Map<string, number>>();
    await onEachConnection(pool, async (pinned) => {
      const rows = await queryRows<{ pid: number; name: string | null; generic_plans: string }>(
        pinned,
        `SELECT pg_backend_pid() AS pid, p.name, p.generic_plans
           FROM (SELECT 1) one LEFT JOIN pg_prepared_statements p ON true`,
      );
      backends.set(
        rows[0].pid,
        new Map(rows.filter((r) => r.name).map((r) => [r.name!, Number(r.generic_plans)])),
      );
    });
    return backends;
  };

  it('prepares the path to a claim on every connection the pool keeps open, the events join on its generic plan, changing nothing', async () => {
    const kept = await createDataSource(TEST_DATABASE_URL, 2, 0, 2).initialize();
    try {
      const before = await rowCounts();
      await new GuidanceRepository(kept).warm();
      assert.deepEqual(await rowCounts(), before);
      const backends = await preparedOn(kept);
      assert.equal(backends.size, 2, 'every connection of the pool of 2');
      for (const generic of backends.values()) {
        for (const name of ['wink_claim_guidance', 'wink_mark_published'])
          assert.ok(generic.has(name), `${name} prepared`);
        for (const name of ['wink_policy_inputs', 'wink_store_decisions'])
          assert.ok(generic.get(name)! > 0, `${name} on its generic plan`);
      }
    } finally {
      await kept.destroy();
    }
  });

  it('warms no connection of a pool that keeps none open', async () => {
    const unkept = await createDataSource(TEST_DATABASE_URL, 2).initialize();
    try {
      await new GuidanceRepository(unkept).warm();
      for (const generic of (await preparedOn(unkept)).values())
        assert.equal(generic.size, 0, 'nothing prepared');
    } finally {
      await unkept.destroy();
    }
  });
});
