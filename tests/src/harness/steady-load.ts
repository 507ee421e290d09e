import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CONSUMER_GROUPS, TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { observe, SessionWindow } from '@wink/detectors';
import { loadSample } from './http.js';
import { waitForDrained, waitForGroupsStable } from './infrastructure.js';

/** The fault suites break shared infrastructure on purpose, so they run only when asked. */
export const FAULT_TESTS_ENABLED = process.env.WINK_FAULT_TESTS === '1';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Posts a session (the looping sample unless told otherwise) every ~50 ms until stopped, each in
 * `chunks` consecutive batches so a session can span a fault; a batch refused or unanswered
 * while something is down is retried as it is, so `accepted` holds exactly what ingest
 * acknowledged. A session started is finished before the load stops.
 */
export class SteadyLoad {
  readonly accepted: TrajectoryEvent[][] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly ingestUrl: string,
    private readonly apiKey: string,
    private readonly sample: 'looping-session' | 'clean-session' = 'looping-session',
    private readonly chunks = 1,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const events = loadSample(this.sample, randomUUID());
      const size = Math.ceil(events.length / this.chunks);
      const accepted: TrajectoryEvent[] = [];
      for (let from = 0; from < events.length; from += size) {
        if (!(await this.post(events.slice(from, from + size), accepted.length === 0))) return;
        if (accepted.length === 0) this.accepted.push(accepted);
        accepted.push(...events.slice(from, from + size));
        await sleep(50);
      }
    }
  }

  /** Posts one batch until ingest takes it; false when stopped before a session's first batch went. */
  private async post(batch: TrajectoryEvent[], first: boolean): Promise<boolean> {
    for (;;) {
      try {
        const res = await fetch(`${this.ingestUrl}/v1/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ events: batch }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 202) return true;
      } catch {
        // ingest unreachable or slow: try the same batch again
      }
      if (!this.running && first) return false;
      await sleep(200);
    }
  }
}

/**
 * Once every consumer has drained its topics: every accepted event is stored once, every verdict
 * the detectors produce for the accepted sessions exists once, every session got guidance, and no
 * guidance was delivered twice on one channel.
 */
export async function assertNothingLostOrDoubled(
  admin: Admin,
  db: DataSource,
  tenantId: string,
  accepted: TrajectoryEvent[][],
): Promise<void> {
  await waitForGroupsStable(admin, Object.values(CONSUMER_GROUPS), 90_000);
  for (const group of [CONSUMER_GROUPS.classifier, CONSUMER_GROUPS.recorder]) {
    await waitForDrained(admin, group, [TOPICS.events], 120_000);
  }
  await waitForDrained(admin, CONSUMER_GROUPS.recorder, [TOPICS.verdicts], 120_000);
  await waitForDrained(admin, CONSUMER_GROUPS.intervention, [TOPICS.verdicts], 120_000);
  assert.ok(accepted.length > 20, `load ran (${accepted.length} sessions accepted)`);

  const ids = accepted.map((s) => s[0].sessionId);
  // A batch whose answer was lost in a fault may be stored without being counted as accepted
  // here; what matters is that every accepted event is stored, and none twice.
  const [{ n, distinct }] = await db.query(
    'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM events WHERE tenant_id = $1',
    [tenantId],
  );
  assert.equal(distinct, n, 'no event twice');
  const acceptedIds = accepted.flat().map((e) => e.eventId);
  const [{ stored }] = await db.query(
    'SELECT count(*)::int AS stored FROM events WHERE tenant_id = $1 AND event_id = ANY($2)',
    [tenantId, acceptedIds],
  );
  assert.equal(stored, acceptedIds.length, 'every accepted event stored');

  const expected = new Set<string>();
  for (const events of accepted) {
    const window = new SessionWindow();
    for (const e of events)
      for (const f of observe(window, e)) expected.add(`${e.sessionId}|${f.subtype}|${e.seq}`);
  }
  const rows: Array<{ session_id: string; subtype: string; at_seq: number }> = await db.query(
    'SELECT session_id, subtype, at_seq FROM verdicts WHERE tenant_id = $1 AND session_id = ANY($2)',
    [tenantId, ids],
  );
  const actual = rows.map((r) => `${r.session_id}|${r.subtype}|${r.at_seq}`);
  assert.equal(actual.length, new Set(actual).size, 'no verdict twice');
  assert.deepEqual(
    [...expected].filter((v) => !actual.includes(v)),
    [],
    'no verdict lost',
  );

  // Of the accepted sessions: one whose first batch was stored but not acknowledged when the
  // load stopped is guided too, and is no concern of this count.
  const [{ guidance, sessions }] = await db.query(
    `SELECT count(*)::int AS guidance, count(DISTINCT session_id)::int AS sessions FROM guidance
      WHERE tenant_id = $1 AND session_id = ANY($2)`,
    [tenantId, ids],
  );
  assert.ok(
    guidance >= sessions && sessions === accepted.length,
    `${guidance} guidance for ${sessions}/${accepted.length} sessions`,
  );
  const [{ doubled }] = await db.query(
    `SELECT count(*)::int AS doubled FROM (SELECT intervention_id, channel FROM deliveries WHERE tenant_id = $1
      GROUP BY intervention_id, channel HAVING count(*) > 1) d`,
    [tenantId],
  );
  assert.equal(doubled, 0);
}
