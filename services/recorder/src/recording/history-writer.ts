import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TOPICS } from '@wink/contracts';
import type { ConsumedMessage } from '@wink/kafka';
import {
  COHORT_POINT_SQL,
  jsonbArrayParam,
  preparedQuery,
  sessionLockKeySql,
} from '@wink/persistence';

/**
 * Each write (the batches of the partitions handed over together, merged) is one statement, run
 * on its own (one round trip, its own transaction): the messages go in as one jsonb array exactly
 * as read. Its first step locks the batch's sessions
 * (in key order, so two writers never deadlock): every row it writes flows from `incoming` only
 * through that lock, so the events and the verdicts of one session are never written at once and
 * the daily-rates refresh, which takes the same lock without waiting, never reads a session
 * half-written. (Triggers mark the sessions whose daily rates changed.) The lock is held to the
 * statement's commit; its writes act on the latest committed rows (an update follows a row to its
 * latest version, and what none updated is upserted), so a snapshot taken before the lock was
 * granted changes nothing.
 */
const lockedSessions = (from: string) =>
  `locked AS (
     SELECT count(pg_advisory_xact_lock(k)) AS n FROM (
       SELECT DISTINCT ${sessionLockKeySql('tenant_id::text', 'session_id')} AS k FROM ${from} ORDER BY k) keys
   )`;

/**
 * What one batch adds to a session row `s` from its totals `n`. The agent is its first event's,
 * kept as first written.
 */
const mergedSession = (s: string, n: string) =>
  `model = coalesce(${n}.model, ${s}.model),
   env = coalesce(${n}.env, ${s}.env),
   first_seen_at = least(${s}.first_seen_at, ${n}.first_seen_at),
   last_seen_at = greatest(${s}.last_seen_at, ${n}.last_seen_at),
   last_seq = greatest(${s}.last_seq, ${n}.last_seq),
   event_count = ${s}.event_count + ${n}.event_count,
   first_received_at = least(${s}.first_received_at, ${n}.first_received_at),
   tool_calls = ${s}.tool_calls + ${n}.tool_calls,
   tool_failures = ${s}.tool_failures + ${n}.tool_failures,
   tokens = ${s}.tokens + ${n}.tokens,
   human_interventions = ${s}.human_interventions + ${n}.human_interventions`;

/**
 * The events of a batch and the session totals of those really inserted. The sessions already
 * stored are updated directly, without the speculative insert and tuple lock of an upsert; the
 * rest are inserted, an upsert still, for a session committed since the statement's snapshot.
 * `arbiter` false: every row must be new (a duplicate fails the statement).
 */
const eventsSql = (arbiter: boolean) =>
  `WITH incoming AS MATERIALIZED (
     SELECT (r->>'tenantId')::uuid AS tenant_id, e->>'eventId' AS event_id, e->>'sessionId' AS session_id,
            (e->>'seq')::bigint AS seq, e->>'kind' AS kind, (e->>'ts')::timestamptz AS ts,
            to_timestamp((r->>'receivedAt')::double precision / 1000) AS received_at, e AS payload
       FROM jsonb_array_elements($1::jsonb) r, LATERAL (SELECT r->'event' AS e) x
   ), ${lockedSessions('incoming')}, inserted AS (
     INSERT INTO events (tenant_id, event_id, session_id, seq, kind, ts, received_at, payload)
     SELECT * FROM incoming WHERE (SELECT n FROM locked) > 0
     ${arbiter ? 'ON CONFLICT DO NOTHING -- a duplicate within the batch is a conflict too' : ''}
     RETURNING tenant_id, session_id, seq, kind, ts, received_at, payload
   ), per_session AS (
     SELECT tenant_id, session_id,
            (array_agg(payload->'agent'->>'name' ORDER BY seq))[1] AS agent_name,
            (array_agg(payload->'agent'->>'model' ORDER BY seq) FILTER (WHERE payload->'agent'->>'model' IS NOT NULL))[1] AS model,
            (array_agg(payload->>'env' ORDER BY seq DESC) FILTER (WHERE payload->>'env' IS NOT NULL))[1] AS env,
            min(ts) AS first_seen_at, max(ts) AS last_seen_at, max(seq) AS last_seq, count(*)::int AS event_count,
            min(received_at) AS first_received_at,
            count(*) FILTER (WHERE kind = 'tool_call')::int AS tool_calls,
            count(*) FILTER (WHERE kind = 'tool_result' AND payload->'result'->>'ok' = 'false')::int AS tool_failures,
            coalesce(sum((payload->'usage'->>'inputTokens')::bigint + (payload->'usage'->>'outputTokens')::bigint)
                     FILTER (WHERE kind = 'usage'), 0) AS tokens,
            count(*) FILTER (WHERE kind = 'human_intervention')::int AS human_interventions
       FROM inserted GROUP BY tenant_id, session_id
   ), updated AS (
     UPDATE sessions s SET ${mergedSession('s', 'n')}
       FROM per_session n WHERE s.tenant_id = n.tenant_id AND s.session_id = n.session_id
     RETURNING s.tenant_id, s.session_id
   ), created AS (
     INSERT INTO sessions (tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
                           first_received_at, tool_calls, tool_failures, tokens, human_interventions, cohort_point)
     SELECT tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
            first_received_at, tool_calls, tool_failures, tokens, human_interventions,
            ${COHORT_POINT_SQL('session_id')}
       FROM per_session n
      WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.tenant_id = n.tenant_id AND u.session_id = n.session_id)
     ON CONFLICT (tenant_id, session_id) DO UPDATE SET ${mergedSession('sessions', 'EXCLUDED')}
   )
   SELECT (SELECT count(*) FROM inserted)::int AS inserted`;

/** What one batch adds to a session's misbehaviour row `m` of a subtype from its totals `n`. */
const mergedMisbehaviour = (m: string, n: string) =>
  `verdicts = ${m}.verdicts + ${n}.verdicts,
   first_at_seq = least(${m}.first_at_seq, ${n}.first_at_seq),
   first_at = least(${m}.first_at, ${n}.first_at)`;

/** The verdicts of a batch and the per-session misbehaviours of those really inserted, as above. */
const verdictsSql = (arbiter: boolean) =>
  `WITH incoming AS MATERIALIZED (
     SELECT (v->>'verdictId')::uuid AS verdict_id, (v->>'tenantId')::uuid AS tenant_id,
            v->>'sessionId' AS session_id, v->>'category' AS category, v->>'subtype' AS subtype,
            v->>'signature' AS signature, (v->>'confidence')::real AS confidence, v->>'detector' AS detector,
            (v->>'atSeq')::bigint AS at_seq, (v->'evidence'->>'fromSeq')::bigint AS from_seq,
            (v->'evidence'->>'toSeq')::bigint AS to_seq, v->'evidence'->>'reason' AS reason,
            to_timestamp((v->>'createdAt')::double precision / 1000) AS created_at
       FROM jsonb_array_elements($1::jsonb) v
   ), ${lockedSessions('incoming')}, inserted AS (
     INSERT INTO verdicts (verdict_id, tenant_id, session_id, category, subtype, signature,
                           confidence, detector, at_seq, from_seq, to_seq, reason, created_at)
     SELECT ${arbiter ? 'DISTINCT ON (verdict_id)' : ''} * FROM incoming WHERE (SELECT n FROM locked) > 0
     ${arbiter ? 'ON CONFLICT (verdict_id) DO NOTHING' : ''}
     RETURNING tenant_id, session_id, category, subtype, at_seq, created_at
   ), per_subtype AS (
     SELECT tenant_id, session_id, subtype, min(category) AS category, count(*)::int AS verdicts,
            min(at_seq) AS first_at_seq, min(created_at) AS first_at
       FROM inserted GROUP BY tenant_id, session_id, subtype
   ), updated AS (
     UPDATE session_misbehaviours m SET ${mergedMisbehaviour('m', 'n')}
       FROM per_subtype n
      WHERE m.tenant_id = n.tenant_id AND m.session_id = n.session_id AND m.subtype = n.subtype
     RETURNING m.tenant_id, m.session_id, m.subtype
   ), created AS (
     INSERT INTO session_misbehaviours (tenant_id, session_id, subtype, category, verdicts, first_at_seq, first_at)
     SELECT tenant_id, session_id, subtype, category, verdicts, first_at_seq, first_at FROM per_subtype n
      WHERE NOT EXISTS (SELECT 1 FROM updated u
                         WHERE u.tenant_id = n.tenant_id AND u.session_id = n.session_id AND u.subtype = n.subtype)
     ON CONFLICT (tenant_id, session_id, subtype) DO UPDATE SET ${mergedMisbehaviour('session_misbehaviours', 'EXCLUDED')}
   )
   SELECT (SELECT count(*) FROM inserted)::int AS inserted`;

const EVENTS = { name: 'wink_record_events', fresh: eventsSql(false), skipping: eventsSql(true) };
const VERDICTS = {
  name: 'wink_record_verdicts',
  fresh: verdictsSql(false),
  skipping: verdictsSql(true),
};

/** Postgres refusing a duplicate key (SQLSTATE 23505). */
const isUniqueViolation = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === '23505';

/**
 * Batched, idempotent writes of the labelled history. No row is inserted twice (a message's unique
 * id is its key), so a redelivered batch changes nothing; the rollups analytics read
 * (session aggregates, per-session misbehaviours) count only the rows that were really new.
 */
@Injectable()
export class HistoryWriter {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * A batch is first written as if every row were new, without an arbiter (the primary key's own
   * check refuses a duplicate, which an upsert looks up once more first): a batch holding a row
   * already stored (a redelivery, a duplicate within it) fails on it whole and is written again
   * skipping the rows stored, so a replay writes nothing twice.
   */
  private async write(
    statement: { name: string; fresh: string; skipping: string },
    messages: ConsumedMessage[],
  ): Promise<number> {
    if (messages.length === 0) return 0;
    const params = [jsonbArrayParam(messages.map((m) => m.bytes))];
    try {
      return await this.inserted(`${statement.name}_fresh`, statement.fresh, params);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    return this.inserted(statement.name, statement.skipping, params);
  }

  private async inserted(name: string, text: string, params: unknown[]): Promise<number> {
    const [result] = await preparedQuery<{ inserted: number }>(this.db, name, text, params);
    return result.inserted;
  }

  writeEvents(messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<number> {
    return this.write(EVENTS, messages);
  }

  writeVerdicts(messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<number> {
    return this.write(VERDICTS, messages);
  }
}
