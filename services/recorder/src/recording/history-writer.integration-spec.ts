import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@wink/contracts';
import type { ConsumedMessage } from '@wink/kafka';
import { issueApiKey } from '@wink/persistence';
import { openMigratedDatabase } from '@wink/persistence/testing/test-database.js';
import { HistoryWriter } from './history-writer.js';

const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

function message<T extends typeof TOPICS.events | typeof TOPICS.verdicts>(
  topic: T,
  value: Record<string, unknown>,
): ConsumedMessage<T> {
  const bytes = Buffer.from(JSON.stringify(value));
  return {
    topic,
    partition: 0,
    offset: '0',
    key: null,
    value: value as never,
    bytes,
    read: { first: '0', last: '0' },
  };
}

describe('HistoryWriter on the real Postgres: every row once, the rollups counting only new rows', () => {
  let db: DataSource;
  let writer: HistoryWriter;
  let tenantId: string;

  before(async () => {
    db = await openMigratedDatabase();
    ({ tenantId } = await issueApiKey(db, `history-writer-${randomUUID()}`));
    writer = new HistoryWriter(db);
  });

  after(async () => {
    await db?.destroy();
  });

  const event = (sessionId: string, seq: number, extra: Record<string, unknown> = {}) =>
    message(TOPICS.events, {
      v: 1,
      tenantId,
      receivedAt: T0 + seq,
      event: {
        eventId: `${sessionId}-${seq}`,
        sessionId,
        seq,
        ts: new Date(T0 + seq * 1000).toISOString(),
        agent: { name: 'writer-spec', model: seq === 0 ? undefined : 'm1' },
        kind: 'tool_call',
        tool: { name: 'Bash', args: { command: 'ls' }, callId: `c${seq}` },
        ...extra,
      },
    });

  const sessionRow = async (sessionId: string) =>
    (
      await db.query(
        `SELECT agent_name, model, env, first_seen_at, last_seen_at, last_seq::int, event_count,
                tool_calls FROM sessions WHERE tenant_id = $1 AND session_id = $2`,
        [tenantId, sessionId],
      )
    )[0];
  const storedEvents = async (sessionId: string) =>
    (
      await db.query(
        `SELECT seq::int FROM events WHERE tenant_id = $1 AND session_id = $2 ORDER BY seq`,
        [tenantId, sessionId],
      )
    ).map((r: { seq: number }) => r.seq);

  it('writes a batch once: its redelivery, whole or overlapping new events and a duplicate within it, adds only the new rows', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    const first = [event(a, 0), event(a, 1), event(b, 0, { env: 'ci' })];
    assert.equal(await writer.writeEvents(first), 3);
    assert.equal(await writer.writeEvents(first), 0, 'a redelivered batch inserts nothing');
    const overlapping = [event(a, 1), event(a, 2), event(a, 2), event(b, 1), event(b, 0)];
    assert.equal(await writer.writeEvents(overlapping), 2, 'only a-2 and b-1 are new');

    assert.deepEqual(await storedEvents(a), [0, 1, 2]);
    assert.deepEqual(await storedEvents(b), [0, 1]);
    assert.deepEqual(await sessionRow(a), {
      agent_name: 'writer-spec',
      model: 'm1',
      env: null,
      first_seen_at: new Date(T0),
      last_seen_at: new Date(T0 + 2000),
      last_seq: 2,
      event_count: 3,
      tool_calls: 3,
    });
    assert.deepEqual(await sessionRow(b), {
      agent_name: 'writer-spec',
      model: 'm1',
      env: 'ci',
      first_seen_at: new Date(T0),
      last_seen_at: new Date(T0 + 1000),
      last_seq: 1,
      event_count: 2,
      tool_calls: 2,
    });
  });

  it('adds to a session stored by an earlier batch, one of whose events arrives late', async () => {
    const s = `late-${randomUUID()}`;
    assert.equal(await writer.writeEvents([event(s, 5), event(s, 6)]), 2);
    assert.equal(await writer.writeEvents([event(s, 7), event(s, 4, { env: 'prod' })]), 2);
    const row = await sessionRow(s);
    assert.equal(row.event_count, 4);
    assert.deepEqual([row.first_seen_at, row.last_seq, row.env], [new Date(T0 + 4000), 7, 'prod']);
  });

  it('fails a batch holding a row Postgres refuses with a data error, writing none of it', async () => {
    const s = `poison-${randomUUID()}`;
    await assert.rejects(
      writer.writeEvents([event(s, 0), event(s, 1, { ts: 'not a time' })]),
      (error: { code?: string }) => error.code?.slice(0, 2) === '22',
    );
    assert.deepEqual(await storedEvents(s), []);
    assert.equal(await sessionRow(s), undefined);
  });

  it('writes each verdict once and counts only new ones in the session misbehaviours', async () => {
    const s = `verdicts-${randomUUID()}`;
    const verdict = (atSeq: number, subtype: string, verdictId = randomUUID()) =>
      message(TOPICS.verdicts, {
        v: 1,
        verdictId,
        tenantId,
        sessionId: s,
        category: 'loop',
        subtype,
        confidence: 0.9,
        signature: `sig-${subtype}`,
        evidence: { fromSeq: 0, toSeq: atSeq, reason: 'the same call again' },
        detector: 'writer-spec',
        atSeq,
        createdAt: T0 + atSeq,
        sourceReceivedAt: T0,
      });
    const first = [verdict(3, 'repeated_call'), verdict(5, 'repeated_call')];
    assert.equal(await writer.writeVerdicts(first), 2);
    assert.equal(await writer.writeVerdicts(first), 0, 'a redelivered batch inserts nothing');
    const next = verdict(1, 'repeated_call');
    assert.equal(await writer.writeVerdicts([first[1], next, next, verdict(9, 'other')]), 2);

    const rows = await db.query(
      `SELECT subtype, verdicts, first_at_seq::int FROM session_misbehaviours
        WHERE tenant_id = $1 AND session_id = $2 ORDER BY subtype`,
      [tenantId, s],
    );
    assert.deepEqual(rows, [
      { subtype: 'other', verdicts: 1, first_at_seq: 9 },
      { subtype: 'repeated_call', verdicts: 3, first_at_seq: 1 },
    ]);
  });
});
