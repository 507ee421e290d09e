import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TOPICS } from '@wink/contracts';
import type { ConsumedMessage } from '@wink/kafka';
import { COHORT_POINT_SQL, sessionLockKeySql } from '@wink/persistence';

/**
 * The batch as one JSON array of the messages exactly as read: one parameter, no serialising or
 * array-literal escaping in this process; Postgres parses it once.
 */
const asJsonArray = (messages: Array<{ bytes: Buffer }>) =>
  Buffer.concat(
    messages.flatMap((m, i) => [i === 0 ? OPEN : COMMA, m.bytes]).concat(CLOSE),
  ).toString('utf8');
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/**
 * Batched, idempotent writes of the labelled history. Every insert is `ON CONFLICT DO NOTHING`
 * on the message's unique id, so a redelivered batch changes nothing; the rollups analytics read
 * (session aggregates, per-session misbehaviours) count only the rows that were really new.
 */
@Injectable()
export class HistoryWriter {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async writeEvents(messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<number> {
    if (messages.length === 0) return 0;
    return this.underSessionLocks(
      messages.map((m) => [m.value.tenantId, m.value.event.sessionId]),
      async (tx) => {
        const result: Array<{ inserted: number }> = await tx.query(
          `WITH incoming AS (
         SELECT (r->>'tenantId')::uuid AS tenant_id, e->>'eventId' AS event_id, e->>'sessionId' AS session_id,
                (e->>'seq')::bigint AS seq, e->>'kind' AS kind, (e->>'ts')::timestamptz AS ts,
                to_timestamp((r->>'receivedAt')::double precision / 1000) AS received_at, e AS payload
           FROM jsonb_array_elements($1::jsonb) r, LATERAL (SELECT r->'event' AS e) x
       ), inserted AS (
         INSERT INTO events (tenant_id, event_id, session_id, seq, kind, ts, received_at, payload)
         SELECT * FROM incoming -- a duplicate within the batch is a conflict too
         ON CONFLICT DO NOTHING
         RETURNING tenant_id, session_id, seq, kind, ts, received_at, payload
       ), per_session AS (
         SELECT tenant_id, session_id,
                (array_agg(payload->'agent'->>'name' ORDER BY seq))[1] AS agent_name,
                (array_agg(payload->'agent'->>'model' ORDER BY seq) FILTER (WHERE payload->'agent'->>'model' IS NOT NULL))[1] AS model,
                (array_agg(payload->>'env' ORDER BY seq DESC) FILTER (WHERE payload->>'env' IS NOT NULL))[1] AS env,
                min(ts) AS first_seen_at, max(ts) AS last_seen_at, max(seq) AS last_seq, count(*)::int AS n,
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
         SELECT tenant_id, session_id, agent_name, model, env, first_seen_at, last_seen_at, last_seq, n,
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
         RETURNING tenant_id, session_id
       )
       SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM upserted) AS sessions`,
          [asJsonArray(messages)],
        );
        return result[0].inserted;
      },
    );
  }

  async writeVerdicts(messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<number> {
    if (messages.length === 0) return 0;
    return this.underSessionLocks(
      messages.map((m) => [m.value.tenantId, m.value.sessionId]),
      async (tx) => {
        const result: Array<{ inserted: number }> = await tx.query(
          `WITH inserted AS (
       INSERT INTO verdicts (verdict_id, tenant_id, session_id, category, subtype, signature,
                             confidence, detector, at_seq, from_seq, to_seq, reason, created_at)
       SELECT DISTINCT ON (verdict_id) * FROM (
         SELECT (v->>'verdictId')::uuid AS verdict_id, (v->>'tenantId')::uuid AS tenant_id,
                v->>'sessionId' AS session_id, v->>'category' AS category, v->>'subtype' AS subtype,
                v->>'signature' AS signature, (v->>'confidence')::real AS confidence, v->>'detector' AS detector,
                (v->>'atSeq')::bigint AS at_seq, (v->'evidence'->>'fromSeq')::bigint AS from_seq,
                (v->'evidence'->>'toSeq')::bigint AS to_seq, v->'evidence'->>'reason' AS reason,
                to_timestamp((v->>'createdAt')::double precision / 1000) AS created_at
           FROM jsonb_array_elements($1::jsonb) v) incoming
       ON CONFLICT (verdict_id) DO NOTHING
       RETURNING tenant_id, session_id, category, subtype, at_seq, created_at
       ), rolled_up AS (
         INSERT INTO session_misbehaviours (tenant_id, session_id, subtype, category, verdicts, first_at_seq, first_at)
         SELECT tenant_id, session_id, subtype, min(category), count(*)::int, min(at_seq), min(created_at)
           FROM inserted GROUP BY tenant_id, session_id, subtype
         ON CONFLICT (tenant_id, session_id, subtype) DO UPDATE SET
           verdicts = session_misbehaviours.verdicts + EXCLUDED.verdicts,
           first_at_seq = least(session_misbehaviours.first_at_seq, EXCLUDED.first_at_seq),
           first_at = least(session_misbehaviours.first_at, EXCLUDED.first_at)
         RETURNING tenant_id, session_id
       )
       SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM rolled_up) AS rolled_up`,
          [asJsonArray(messages)],
        );
        return result[0].inserted;
      },
    );
  }

  /**
   * Runs `write` in a transaction holding a lock on each of its sessions, so the events and the
   * verdicts of one session are never written at once (each write sees the other's rows), and the
   * daily-rates refresh, which takes the same lock, never reads a session half-written. (Triggers
   * mark the sessions whose daily rates changed.)
   */
  private underSessionLocks<T>(
    sessions: Array<[tenantId: string, sessionId: string]>,
    write: (tx: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `SELECT pg_advisory_xact_lock(k) FROM (
           SELECT DISTINCT ${sessionLockKeySql('t', 's')} AS k
             FROM unnest($1::text[], $2::text[]) AS x(t, s) ORDER BY k) keys`,
        [sessions.map(([t]) => t), sessions.map(([, s]) => s)],
      );
      return write(tx);
    });
  }
}
