import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { GuidanceV1 } from '@wink/contracts';
import { queryRows } from '@wink/persistence';

export const GUIDANCE_CHANNEL = 'wink_guidance';

export interface DeliveredGuidance {
  interventionId: string;
  sessionId: string;
  severity: string;
  category: string;
  subtype: string;
  text: string;
  atSeq: number;
  verdictIds: string[];
  createdAt: string;
  deliveredAt: string;
}

interface GuidanceRow {
  intervention_id: string;
  session_id: string;
  severity: string;
  category: string;
  subtype: string;
  text: string;
  at_seq: number;
  verdict_ids: string[];
  created_at: Date;
  delivered_at: Date;
}

const toDelivered = (r: GuidanceRow): DeliveredGuidance => ({
  interventionId: r.intervention_id,
  sessionId: r.session_id,
  severity: r.severity,
  category: r.category,
  subtype: r.subtype,
  text: r.text,
  atSeq: r.at_seq,
  verdictIds: r.verdict_ids,
  createdAt: r.created_at.toISOString(),
  deliveredAt: r.delivered_at.toISOString(),
});

@Injectable()
export class GuidanceRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async exists(interventionId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM guidance WHERE intervention_id = $1', [
      interventionId,
    ]);
    return rows.length > 0;
  }

  /** Whether guidance for the same misbehaviour went to this session less than `cooldownMs` ago. */
  async inCooldown(
    g: Pick<GuidanceV1, 'tenantId' | 'sessionId' | 'subtype' | 'signature'>,
    cooldownMs: number,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM guidance
        WHERE tenant_id = $1 AND session_id = $2 AND subtype = $3 AND signature = $4
          AND created_at > now() - make_interval(secs => $5::double precision / 1000)
        LIMIT 1`,
      [g.tenantId, g.sessionId, g.subtype, g.signature, cooldownMs],
    );
    return rows.length > 0;
  }

  /** Stores the guidance (once: the id is deterministic) and wakes any long-poll waiting for it. */
  async insert(g: GuidanceV1): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO guidance (intervention_id, tenant_id, session_id, verdict_ids, category, subtype,
                               signature, severity, text, cohort, at_seq, source_received_at, created_at)
         VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8, $9, $10, $11, $12, $13)
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
        ],
      );
      await tx.query('SELECT pg_notify($1, $2)', [
        GUIDANCE_CHANNEL,
        `${g.tenantId}:${g.sessionId}`,
      ]);
    });
  }

  /** Marks the session's undelivered guidance delivered and returns it, oldest first. */
  async claimPending(tenantId: string, sessionId: string): Promise<DeliveredGuidance[]> {
    const rows = await queryRows<GuidanceRow>(
      this.db,
      `UPDATE guidance SET delivered_at = now()
        WHERE intervention_id IN (
          SELECT intervention_id FROM guidance
           WHERE tenant_id = $1 AND session_id = $2 AND delivered_at IS NULL
           FOR UPDATE SKIP LOCKED)
        RETURNING intervention_id, session_id, severity, category, subtype, text, at_seq,
                  verdict_ids, created_at, delivered_at`,
      [tenantId, sessionId],
    );
    return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map(toDelivered);
  }

  /** Records the host's acknowledgement; null when the tenant has no such guidance. */
  async ack(tenantId: string, interventionId: string): Promise<Date | null> {
    const rows = await queryRows<{ acked_at: Date }>(
      this.db,
      `UPDATE guidance SET acked_at = coalesce(acked_at, now()),
                           delivered_at = coalesce(delivered_at, now())
        WHERE tenant_id = $1 AND intervention_id = $2
        RETURNING acked_at`,
      [tenantId, interventionId],
    );
    return rows[0]?.acked_at ?? null;
  }
}
