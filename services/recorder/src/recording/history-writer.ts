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
 * statement's commit; its writes resolve conflicts against the latest committed rows, so a
 * snapshot taken before the lock was granted changes nothing.
 */
const lockedSessions = (from: string) =>
  `locked AS (
     SELECT count(pg_advisory_xact_lock(k)) AS n FROM (
       SELECT DISTINCT ${sessionLockKeySql('tenant_id::text', 'session_id')} AS k FROM ${from} ORDER BY k) keys
   )`;

/**
 * The events of a batch and the session totals of those really inserted. `arbiter` false: every
 * row must be new (a duplicate fails the statement).
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
   ), upserted AS (
     INSERT INTO sessions (tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
                           first_received_at, tool_calls, tool_failures, tokens, human_interventions, cohort_point)
     SELECT tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq, event_count,
            first_received_at, tool_calls, tool_failures, tokens, human_interventions,
            ${COHORT_POINT_SQL('session_id')} FROM per_session
     ON CONFLICT (tenant_id, session_id) DO UPDATE SET
       model = coalesce(EXCLUDED.model, sessions.model),
       env = coalesce(EXCLUDED.env, sessions.env),
       first_seen_at = least(sessions.first_seen_at, EXCLUDED.first_seen_at),
       last_seen_at = greatest(sessions.last_seen_at, EXCLUDED.last_seen_at),
       last_seq = greatest(sessions.last_seq, EXCLUDED.last_seq),
       event_count = sessions.event_count + EXCLUDED.event_count,
       first_received_at = least(sessions.first_received_at, EXCLUDED.first_received_at),
       tool_calls = sessions.tool_calls + EXCLUDED.tool_calls,
       tool_failures = sessions.tool_failures + EXCLUDED.tool_failures,
       tokens = sessions.tokens + EXCLUDED.tokens,
       human_interventions = sessions.human_interventions + EXCLUDED.human_interventions
   )
   SELECT (SELECT count(*) FROM inserted)::int AS inserted`;

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
   ), rolled_up AS (
     INSERT INTO session_misbehaviours (tenant_id, session_id, subtype, category, verdicts, first_at_seq, first_at)
     SELECT tenant_id, session_id, subtype, min(category), count(*)::int, min(at_seq), min(created_at)
       FROM inserted GROUP BY tenant_id, session_id, subtype
     ON CONFLICT (tenant_id, session_id, subtype) DO UPDATE SET
       verdicts = session_misbehaviours.verdicts + EXCLUDED.verdicts,
       first_at_seq = least(session_misbehaviours.first_at_seq, EXCLUDED.first_at_seq),
       first_at = least(session_misbehaviours.first_at, EXCLUDED.first_at)
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
