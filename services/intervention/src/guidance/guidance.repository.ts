import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveredGuidance, GuidanceV1, Severity } from '@wink/contracts';

export type { DeliveredGuidance };
import { onEachConnection, poolOf, preparedQuery, queryRows, seqOf } from '@wink/persistence';
import type { PolicyState } from '../policy/policy.js';

/** A verdict's policy state as stored, and the guidance already stored for it, if any. */
export interface PolicyInput extends Omit<PolicyState, 'cohort'> {
  stored: { severity: Severity; cohort: string; createdAt: number } | null;
}

export const GUIDANCE_CHANNEL = 'wink_guidance';

/**
 * Runs of each statement a connection's warm-up makes: Postgres plans a prepared statement
 * afresh at each of its first five runs on a connection and may settle on its generic plan at
 * the sixth (the jsonb ones do; the claim's arrays stay cheaper to plan per call).
 */
const WARM_RUNS = 6;
/** A tenant no one has: the warm-up's statements find, and so change, nothing. */
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

/**
 * How guidance reaches a host. `topic` is queued (pending) with the guidance and marked delivered
 * once the broker acknowledged it; the others are recorded when handed over.
 */
export type Channel = 'poll' | 'sse' | 'webhook' | 'topic';

interface GuidanceRow {
  intervention_id: string;
  session_id: string;
  severity: Severity;
  category: string;
  subtype: string;
  text: string;
  /** A bigint: pg returns it as a string. */
  at_seq: string;
  verdict_ids: string[];
  created_at: Date;
  source_received_at: Date;
}

export const toDelivered = (r: GuidanceRow): DeliveredGuidance => ({
  interventionId: r.intervention_id,
  sessionId: r.session_id,
  severity: r.severity,
  category: r.category,
  subtype: r.subtype,
  text: r.text,
  atSeq: seqOf(r.at_seq),
  verdictIds: r.verdict_ids,
  createdAt: r.created_at.toISOString(),
  sourceReceivedAt: r.source_received_at.toISOString(),
});

/**
 * The events of one session, as a FROM list and the start of a WHERE clause: bounded by the
 * session's first and last event times (the recorder writes both in the statement that stores its
 * events), each looked up on its own so that Postgres, holding them as the scan's parameters,
 * probes only the day partitions between them rather than every one.
 */
const sessionEventsSql = (tenantId: string, sessionId: string) => {
  const session = `FROM sessions s WHERE s.tenant_id = ${tenantId} AND s.session_id = ${sessionId}`;
  return `events e
   WHERE e.tenant_id = ${tenantId} AND e.session_id = ${sessionId}
     AND e.ts >= (SELECT s.first_seen_at ${session}) AND e.ts <= (SELECT s.last_seen_at ${session})`;
};

@Injectable()
export class GuidanceRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * What the policy needs for a batch of verdicts, in one query: the guidance already stored for
   * each (a redelivered verdict), the steps its session recorded after the verdict's (counted up
   * to one past the tenant's `staleSteps`), its guidance so far, and the latest
   * guidance for the same misbehaviour. Rows come back in the verdicts' order.
   *
   * Prepared, and the verdicts one jsonb (a row count Postgres estimates alike with or without the
   * values, unlike an array's): so after its first few calls a connection runs it on its generic
   * plan, rather than planning the partitioned events table's join again at every call.
   */
  async policyInputs(
    verdicts: Array<
      Pick<GuidanceV1, 'interventionId' | 'tenantId' | 'sessionId' | 'subtype' | 'signature'> & {
        atSeq: number;
        staleSteps: number;
      }
    >,
  ): Promise<PolicyInput[]> {
    if (verdicts.length === 0) return [];
    const rows = await preparedQuery<{
      stored_severity: Severity | null;
      stored_cohort: string | null;
      stored_created_at: Date | null;
      steps_after: number;
      n: number;
      prev_id: string | null;
      prev_severity: Severity | null;
      prev_delivered_at: Date | null;
    }>(
      this.db,
      'wink_policy_inputs',
      `SELECT st.severity AS stored_severity, st.cohort AS stored_cohort, st.created_at AS stored_created_at,
              (SELECT count(*) FROM (
                 SELECT 1 FROM ${sessionEventsSql('v.tenant_id', 'v.session_id')} AND e.seq > v.at_seq
                  LIMIT v.stale_steps + 1) later)::int AS steps_after,
              (SELECT count(*) FROM guidance g WHERE g.tenant_id = v.tenant_id AND g.session_id = v.session_id)::int AS n,
              p.intervention_id AS prev_id, p.severity AS prev_severity, p.delivered_at AS prev_delivered_at
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (intervention_id uuid, tenant_id uuid,
                session_id text, subtype text, signature text, at_seq bigint, stale_steps int))
                WITH ORDINALITY AS v(intervention_id, tenant_id, session_id, subtype, signature, at_seq, stale_steps, i)
         LEFT JOIN guidance st ON st.intervention_id = v.intervention_id
         LEFT JOIN LATERAL (
           SELECT intervention_id, severity, delivered_at FROM guidance
            WHERE tenant_id = v.tenant_id AND session_id = v.session_id
              AND subtype = v.subtype AND signature = v.signature
            ORDER BY created_at DESC LIMIT 1) p ON true
        ORDER BY v.i`,
      [
        JSON.stringify(
          verdicts.map((v) => ({
            intervention_id: v.interventionId,
            tenant_id: v.tenantId,
            session_id: v.sessionId,
            subtype: v.subtype,
            signature: v.signature,
            at_seq: v.atSeq,
            stale_steps: v.staleSteps,
          })),
        ),
      ],
    );
    return rows.map((r) => ({
      stored:
        r.stored_severity && r.stored_cohort && r.stored_created_at
          ? {
              severity: r.stored_severity,
              cohort: r.stored_cohort,
              createdAt: new Date(r.stored_created_at).getTime(),
            }
          : null,
      stepsAfter: r.steps_after,
      sessionGuidance: r.n,
      previous: r.prev_id
        ? {
            interventionId: r.prev_id,
            severity: r.prev_severity!,
            deliveredAt: r.prev_delivered_at,
          }
        : null,
    }));
  }

  /**
   * In one statement (so at once or not at all): marks the earlier guidance the batch found
   * recurring, stores the new guidance once each (ids are deterministic), queues the publication
   * of `published` on the guidance topic (leased for `leaseMs`, see `GuidancePublisher`) and
   * webhook deliveries for tenants that have a webhook, and wakes the long-polls and streams of the
   * sessions concerned with one NOTIFY per few sessions (a payload holds at most 8000 bytes).
   * A redelivered verdict's publication is leased again only while it is still pending and no
   * publisher holds its lease: one already published, set aside as dead or in flight elsewhere is
   * left alone. Resolves with how many webhook deliveries it queued and the ids of the guidance
   * whose publication it leased, for the caller to publish. Prepared, its rows and the recurred
   * ids as jsonb (see `policyInputs`; an array's length is known to a custom plan only, and was
   * enough to keep Postgres planning every call): after a connection's first calls it runs on
   * its generic plan.
   */
  async storeDecisions(
    issued: Array<{ guidance: GuidanceV1; first: boolean }>,
    recurred: string[],
    published: GuidanceV1[],
    leaseMs: number,
  ): Promise<{ hooks: number; leased: Set<string> }> {
    if (issued.length === 0 && recurred.length === 0 && published.length === 0)
      return { hooks: 0, leased: new Set() };
    const [counts] = await preparedQuery<{ hooks: string; leased: string[] }>(
      this.db,
      'wink_store_decisions',
      `WITH recurred AS (
         UPDATE guidance SET outcome = 'recurred', outcome_at = now()
          WHERE intervention_id IN (SELECT id::uuid FROM jsonb_array_elements_text($2::jsonb) AS r(id))
            AND outcome = 'open' RETURNING 1
       ), stored AS (
         INSERT INTO guidance (intervention_id, tenant_id, session_id, verdict_ids, category, subtype,
                               signature, severity, text, cohort, at_seq, source_received_at, created_at, first)
         SELECT id, tenant, session, ARRAY[verdict], category, subtype, signature, severity, text, cohort,
                at_seq, source_received_at, created_at, first
           FROM jsonb_to_recordset($1::jsonb)
             AS t(id uuid, tenant uuid, session text, verdict uuid, category text, subtype text,
                  signature text, severity text, text text, cohort text, at_seq bigint,
                  source_received_at timestamptz, created_at timestamptz, first bool)
         ON CONFLICT (intervention_id) DO NOTHING
         RETURNING intervention_id, tenant_id, session_id
       ), hooks AS (
         INSERT INTO deliveries (intervention_id, channel, tenant_id, status, next_attempt_at)
         SELECT s.intervention_id, 'webhook', s.tenant_id, 'pending', now()
           FROM stored s JOIN webhooks w ON w.tenant_id = s.tenant_id
         ON CONFLICT DO NOTHING RETURNING 1
       ), queued AS (
         INSERT INTO deliveries (intervention_id, channel, tenant_id, status, next_attempt_at)
         SELECT id, 'topic', tenant, 'pending', now() + $5::int * interval '1 millisecond'
           FROM jsonb_to_recordset($4::jsonb) AS t(id uuid, tenant uuid)
         ON CONFLICT (intervention_id, channel) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at
          WHERE deliveries.status = 'pending' AND deliveries.next_attempt_at <= now()
         RETURNING intervention_id
       ), woken AS (
         SELECT k, (row_number() OVER () - 1) / 8 AS chunk
           FROM (SELECT DISTINCT tenant_id || ':' || session_id AS k FROM stored) keys
       )
       SELECT (SELECT count(*) FROM recurred) AS recurred, (SELECT count(*) FROM hooks) AS hooks,
              ARRAY(SELECT intervention_id::text FROM queued) AS leased,
              (SELECT count(pg_notify($3, payload)) FROM (
                 SELECT json_agg(k)::text AS payload FROM woken GROUP BY chunk) p) AS notified`,
      [
        JSON.stringify(
          issued.map(({ guidance: x, first }) => ({
            id: x.interventionId,
            tenant: x.tenantId,
            session: x.sessionId,
            verdict: x.verdictIds[0],
            category: x.category,
            subtype: x.subtype,
            signature: x.signature,
            severity: x.severity,
            text: x.text,
            cohort: x.cohort,
            at_seq: x.atSeq,
            source_received_at: new Date(x.sourceReceivedAt).toISOString(),
            created_at: new Date(x.createdAt).toISOString(),
            first,
          })),
        ),
        JSON.stringify(recurred),
        GUIDANCE_CHANNEL,
        JSON.stringify(published.map((x) => ({ id: x.interventionId, tenant: x.tenantId }))),
        leaseMs,
      ],
    );
    return { hooks: Number(counts.hooks), leased: new Set(counts.leased) };
  }

  /** Marks the guidance the broker acknowledged as delivered on the topic. */
  async markPublished(interventionIds: string[]): Promise<void> {
    if (interventionIds.length === 0) return;
    await preparedQuery(
      this.db,
      'wink_mark_published',
      `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(),
                             next_attempt_at = NULL
        WHERE intervention_id = ANY($1::uuid[]) AND channel = 'topic' AND status = 'pending'`,
      [interventionIds],
    );
  }

  /** Records a publication the broker did not acknowledge; it stays pending for the sweep. */
  async recordPublishFailure(interventionIds: string[], error: string): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = $2
        WHERE intervention_id = ANY($1::uuid[]) AND channel = 'topic' AND status = 'pending'`,
      [interventionIds, error],
    );
  }

  /** Gives up publishing guidance the broker refuses or that no longer meets its contract. */
  async markUnpublishable(interventionId: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET status = 'dead', next_attempt_at = NULL, last_error = $2
        WHERE intervention_id = $1 AND channel = 'topic' AND status = 'pending'`,
      [interventionId, error],
    );
  }

  /**
   * Leases for `leaseMs` up to `limit` pending topic deliveries whose lease has run out (their
   * publisher stopped or failed before the broker acknowledged), and returns their guidance.
   */
  async leaseUnpublished(limit: number, leaseMs: number): Promise<GuidanceV1[]> {
    const rows = await queryRows<
      GuidanceRow & { tenant_id: string; signature: string; cohort: string }
    >(
      this.db,
      `WITH due AS (
         SELECT intervention_id FROM deliveries
          WHERE channel = 'topic' AND status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE deliveries d SET next_attempt_at = now() + $2::int * interval '1 millisecond'
           FROM due WHERE d.intervention_id = due.intervention_id AND d.channel = 'topic'
         RETURNING d.intervention_id
       )
       SELECT g.* FROM guidance g JOIN leased USING (intervention_id) ORDER BY g.created_at`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      v: 1,
      interventionId: r.intervention_id,
      tenantId: r.tenant_id,
      sessionId: r.session_id,
      verdictIds: r.verdict_ids,
      category: r.category as GuidanceV1['category'],
      subtype: r.subtype as GuidanceV1['subtype'],
      signature: r.signature,
      severity: r.severity,
      text: r.text,
      cohort: r.cohort,
      atSeq: seqOf(r.at_seq),
      createdAt: r.created_at.getTime(),
      sourceReceivedAt: r.source_received_at.getTime(),
    }));
  }

  /**
   * Hands each session's guidance not yet given on its channel to that channel, in one statement
   * for all of them, and records each delivery once (the primary key makes a second claim of the
   * same row a no-op). Resolves with what was claimed, oldest first.
   */
  async claimFor(
    claims: Array<{ channel: 'poll' | 'sse'; tenantId: string; sessionId: string }>,
  ): Promise<Array<{ tenantId: string; channel: 'poll' | 'sse'; guidance: DeliveredGuidance }>> {
    if (claims.length === 0) return [];
    const rows = await preparedQuery<GuidanceRow & { tenant_id: string; channel: 'poll' | 'sse' }>(
      this.db,
      'wink_claim_guidance',
      `WITH wanted AS (
         SELECT DISTINCT tenant_id, session_id, channel
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS w(tenant_id, session_id, channel)
       ), pending AS (
         SELECT g.intervention_id, g.tenant_id, w.channel FROM wanted w
           JOIN guidance g ON g.tenant_id = w.tenant_id AND g.session_id = w.session_id
          WHERE NOT EXISTS (SELECT 1 FROM deliveries d
                             WHERE d.intervention_id = g.intervention_id AND d.channel = w.channel)
          ORDER BY g.intervention_id, w.channel
       ), claimed AS (
         INSERT INTO deliveries (intervention_id, channel, tenant_id, status, attempts, delivered_at)
         SELECT intervention_id, channel, tenant_id, 'delivered', 1, now() FROM pending
         ON CONFLICT DO NOTHING
         RETURNING intervention_id, channel
       ), marked AS (
         UPDATE guidance g
            SET delivered_at = coalesce(g.delivered_at, now()),
                delivered_seq = coalesce(g.delivered_seq,
                  (SELECT last_seq FROM sessions s WHERE s.tenant_id = g.tenant_id AND s.session_id = g.session_id))
          WHERE g.intervention_id IN (SELECT intervention_id FROM claimed)
         RETURNING g.intervention_id, g.tenant_id, g.session_id, g.severity, g.category, g.subtype,
                   g.text, g.at_seq, g.verdict_ids, g.created_at, g.source_received_at
       )
       SELECT m.*, c.channel FROM marked m JOIN claimed c USING (intervention_id)`,
      [claims.map((c) => c.tenantId), claims.map((c) => c.sessionId), claims.map((c) => c.channel)],
    );
    return rows
      .sort((a, b) => a.created_at.getTime() - b.created_at.getTime())
      .map((r) => ({ tenantId: r.tenant_id, channel: r.channel, guidance: toDelivered(r) }));
  }

  /**
   * Opens the connections the pool keeps open (DB_POOL_KEEP_OPEN, by default all of them) and
   * runs the statements between a verdict and its guidance's claim on each, `WARM_RUNS` times,
   * with inputs that match nothing.
   * Cold, the first burst of guidance found every connection planning the partitioned events
   * join afresh and loading its partitions into a new backend's caches (~30 ms on a first run,
   * ~3 ms on each of the next four), and the pool opening more connections meanwhile.
   */
  async warm(): Promise<void> {
    const session = { tenantId: NO_TENANT, sessionId: 'wink-warm-up' };
    const keptOpen = poolOf(this.db).options.min ?? 0;
    await onEachConnection(
      this.db,
      async (pinned) => {
        const repo = new GuidanceRepository(pinned);
        for (let run = 0; run < WARM_RUNS; run++) {
          await repo.policyInputs([
            {
              ...session,
              interventionId: NO_TENANT,
              subtype: 'repetitive_loop',
              signature: 'wink-warm-up',
              atSeq: 0,
              staleSteps: 1,
            },
          ]);
          await repo.storeDecisions([], [NO_TENANT], [], 0);
          await repo.claimFor([{ ...session, channel: 'poll' }]);
          await repo.markPublished([NO_TENANT]);
        }
      },
      keptOpen,
    );
  }

  /** Records the host's acknowledgement; null when the tenant has no such guidance. */
  async ack(
    tenantId: string,
    interventionId: string,
  ): Promise<{ ackedAt: Date; deliveredAt: Date } | null> {
    const rows = await queryRows<{ acked_at: Date; delivered_at: Date; first_ack: boolean }>(
      this.db,
      `UPDATE guidance SET acked_at = coalesce(acked_at, now()),
                           delivered_at = coalesce(delivered_at, now())
        WHERE tenant_id = $1 AND intervention_id = $2
        RETURNING acked_at, delivered_at`,
      [tenantId, interventionId],
    );
    return rows[0] ? { ackedAt: rows[0].acked_at, deliveredAt: rows[0].delivered_at } : null;
  }

  /**
   * Delivered, still open, and the session has recorded `outcomeSteps` steps since: resolved.
   * Steps are counted, not seqs subtracted: OTLP seqs are timestamps.
   */
  async resolveQuietOnes(defaultSteps: number): Promise<number> {
    const rows = await preparedQuery(
      this.db,
      'wink_resolve_quiet_guidance',
      `UPDATE guidance g SET outcome = 'resolved', outcome_at = now()
         FROM tenants t, LATERAL (SELECT coalesce((t.policy->>'outcomeSteps')::int, $1) AS steps) o
        WHERE g.outcome = 'open' AND g.delivered_at IS NOT NULL AND t.id = g.tenant_id
          AND (SELECT count(*) FROM (
                 SELECT 1 FROM ${sessionEventsSql('g.tenant_id', 'g.session_id')}
                    AND e.seq > coalesce(g.delivered_seq, g.at_seq)
                  LIMIT o.steps) later) >= o.steps
       RETURNING g.intervention_id`,
      [defaultSteps],
    );
    return rows.length;
  }
}
