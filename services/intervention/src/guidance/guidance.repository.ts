import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveredGuidance, GuidanceV1, Severity } from '@wink/contracts';

export type { DeliveredGuidance };
import { queryRows } from '@wink/persistence';
import type { PolicyState } from '../policy/policy.js';

export const GUIDANCE_CHANNEL = 'wink_guidance';

/** How guidance reaches a host. `topic` is recorded when published; the others when handed over. */
export type Channel = 'poll' | 'sse' | 'webhook' | 'topic';

interface GuidanceRow {
  intervention_id: string;
  session_id: string;
  severity: Severity;
  category: string;
  subtype: string;
  text: string;
  at_seq: number;
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
  atSeq: r.at_seq,
  verdictIds: r.verdict_ids,
  createdAt: r.created_at.toISOString(),
  sourceReceivedAt: r.source_received_at.toISOString(),
});

@Injectable()
export class GuidanceRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async stored(
    interventionId: string,
  ): Promise<Array<{ severity: Severity; cohort: string; created_at: Date }>> {
    return this.db.query(
      'SELECT severity, cohort, created_at FROM guidance WHERE intervention_id = $1',
      [interventionId],
    );
  }

  async exists(interventionId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM guidance WHERE intervention_id = $1', [
      interventionId,
    ]);
    return rows.length > 0;
  }

  /** What the policy needs about the session and the latest guidance for the same misbehaviour. */
  async stateFor(
    g: Pick<GuidanceV1, 'tenantId' | 'sessionId' | 'subtype' | 'signature'>,
  ): Promise<Omit<PolicyState, 'cohort'>> {
    const [row] = await this.db.query(
      `SELECT (SELECT last_seq FROM sessions WHERE tenant_id = $1 AND session_id = $2) AS last_seq,
              (SELECT count(*) FROM guidance WHERE tenant_id = $1 AND session_id = $2)::int AS n,
              p.intervention_id, p.severity, p.delivered_at
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT intervention_id, severity, delivered_at FROM guidance
            WHERE tenant_id = $1 AND session_id = $2 AND subtype = $3 AND signature = $4
            ORDER BY created_at DESC LIMIT 1) p ON true`,
      [g.tenantId, g.sessionId, g.subtype, g.signature],
    );
    return {
      sessionLastSeq: row.last_seq,
      sessionGuidance: row.n,
      previous: row.intervention_id
        ? {
            interventionId: row.intervention_id,
            severity: row.severity,
            deliveredAt: row.delivered_at,
          }
        : null,
    };
  }

  /** The earlier guidance did not stop the misbehaviour: its outcome is `recurred`. */
  async markRecurred(interventionId: string): Promise<void> {
    await this.db.query(
      `UPDATE guidance SET outcome = 'recurred', outcome_at = now() WHERE intervention_id = $1 AND outcome = 'open'`,
      [interventionId],
    );
  }

  /**
   * Stores the guidance once (its id is deterministic), queues its webhook delivery when the
   * tenant has a webhook, and wakes long-polls and streams waiting for the session. `first`: it
   * answers the misbehaviour for the first time (not a recurrence).
   */
  async insert(g: GuidanceV1, first: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO guidance (intervention_id, tenant_id, session_id, verdict_ids, category, subtype,
                               signature, severity, text, cohort, at_seq, source_received_at, created_at, first)
         VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (intervention_id) DO NOTHING`,
        [
          g.interventionId,
          g.tenantId,
          g.sessionId,
          g.verdictIds,
          g.category,
          g.subtype,
          g.signature,
          g.severity,
          g.text,
          g.cohort,
          g.atSeq,
          new Date(g.sourceReceivedAt).toISOString(),
          new Date(g.createdAt).toISOString(),
          first,
        ],
      );
      await tx.query(
        `INSERT INTO deliveries (intervention_id, channel, tenant_id, status, next_attempt_at)
         SELECT $1, 'webhook', tenant_id, 'pending', now() FROM webhooks WHERE tenant_id = $2
         ON CONFLICT DO NOTHING`,
        [g.interventionId, g.tenantId],
      );
      await tx.query('SELECT pg_notify($1, $2)', [
        GUIDANCE_CHANNEL,
        `${g.tenantId}:${g.sessionId}`,
      ]);
    });
  }

  async recordPublished(interventionIds: string[], tenantIds: string[]): Promise<void> {
    if (interventionIds.length === 0) return;
    await this.db.query(
      `INSERT INTO deliveries (intervention_id, channel, tenant_id, status, attempts, delivered_at)
       SELECT id, 'topic', tenant, 'delivered', 1, now() FROM unnest($1::uuid[], $2::uuid[]) AS t(id, tenant)
       ON CONFLICT DO NOTHING`,
      [interventionIds, tenantIds],
    );
  }

  /**
   * Hands the session's guidance not yet given on `channel` to that channel, oldest first, and
   * records the delivery once (the primary key makes a second claim of the same row a no-op).
   */
  async claimFor(
    channel: 'poll' | 'sse',
    tenantId: string,
    sessionId: string,
  ): Promise<DeliveredGuidance[]> {
    const rows = await queryRows<GuidanceRow>(
      this.db,
      `WITH pending AS (
         SELECT intervention_id, tenant_id FROM guidance g
          WHERE tenant_id = $1 AND session_id = $2
            AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.intervention_id = g.intervention_id AND d.channel = $3)
       ), claimed AS (
         INSERT INTO deliveries (intervention_id, channel, tenant_id, status, attempts, delivered_at)
         SELECT intervention_id, $3, tenant_id, 'delivered', 1, now() FROM pending
         ON CONFLICT DO NOTHING
         RETURNING intervention_id
       )
       UPDATE guidance g
          SET delivered_at = coalesce(g.delivered_at, now()),
              delivered_seq = coalesce(g.delivered_seq,
                (SELECT last_seq FROM sessions s WHERE s.tenant_id = g.tenant_id AND s.session_id = g.session_id))
         FROM claimed WHERE g.intervention_id = claimed.intervention_id
       RETURNING g.intervention_id, g.session_id, g.severity, g.category, g.subtype, g.text, g.at_seq,
                 g.verdict_ids, g.created_at, g.source_received_at`,
      [tenantId, sessionId, channel],
    );
    return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map(toDelivered);
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

  /** Delivered, still open, and the session has gone `outcomeSteps` further: resolved. */
  async resolveQuietOnes(defaultSteps: number): Promise<number> {
    const rows = await queryRows(
      this.db,
      `UPDATE guidance g SET outcome = 'resolved', outcome_at = now()
         FROM sessions s, tenants t
        WHERE g.outcome = 'open' AND g.delivered_at IS NOT NULL
          AND s.tenant_id = g.tenant_id AND s.session_id = g.session_id AND t.id = g.tenant_id
          AND s.last_seq >= coalesce(g.delivered_seq, g.at_seq) + coalesce((t.policy->>'outcomeSteps')::int, $1)
       RETURNING g.intervention_id`,
      [defaultSteps],
    );
    return rows.length;
  }
}
