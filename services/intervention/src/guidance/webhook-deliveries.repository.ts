import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '@wink/persistence';
import { toDelivered, type DeliveredGuidance } from './guidance.repository.js';

export interface DueWebhook {
  interventionId: string;
  tenantId: string;
  attempts: number;
  url: string;
  /** As stored: sealed with the operator's key (or, from before encryption, in clear). */
  storedSecret: string;
  guidance: DeliveredGuidance;
}

type DueRow = Parameters<typeof toDelivered>[0] & {
  attempts: number;
  tenant_id: string;
  url: string;
  secret: string;
};

/** The webhook channel's deliveries: leased per tenant, so one tenant cannot take every slot. */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Leases due deliveries for 30 s (concurrent dispatchers never send one twice): at most
   * `perTenant` minus what the tenant already has in flight, `limit` in all, oldest first.
   */
  async leaseDue(
    limit: number,
    perTenant: number,
    busy: Map<string, number>,
  ): Promise<DueWebhook[]> {
    const rows = await queryRows<DueRow>(
      this.db,
      `WITH busy AS (
         SELECT * FROM unnest($3::uuid[], $4::int[]) AS b(tenant_id, n)
       ), ranked AS (
         SELECT d.intervention_id, d.next_attempt_at,
                row_number() OVER (PARTITION BY d.tenant_id ORDER BY d.next_attempt_at) + coalesce(b.n, 0) AS slot
           FROM deliveries d LEFT JOIN busy b USING (tenant_id)
          WHERE d.channel = 'webhook' AND d.status = 'pending' AND d.next_attempt_at <= now()
       ), due AS (
         SELECT d.intervention_id FROM deliveries d
          WHERE d.channel = 'webhook' AND d.status = 'pending' AND d.next_attempt_at <= now()
            AND d.intervention_id IN (
              SELECT intervention_id FROM ranked WHERE slot <= $2 ORDER BY next_attempt_at LIMIT $1)
          FOR UPDATE SKIP LOCKED
       ), leased AS (
         UPDATE deliveries d SET next_attempt_at = now() + interval '30 seconds'
           FROM due WHERE d.intervention_id = due.intervention_id AND d.channel = 'webhook'
         RETURNING d.intervention_id, d.attempts
       )
       SELECT g.intervention_id, g.session_id, g.severity, g.category, g.subtype, g.text, g.at_seq,
              g.verdict_ids, g.created_at, g.source_received_at, g.tenant_id, leased.attempts, w.url, w.secret
         FROM leased JOIN guidance g USING (intervention_id) JOIN webhooks w ON w.tenant_id = g.tenant_id`,
      [limit, perTenant, [...busy.keys()], [...busy.values()]],
    );
    return rows.map((r) => ({
      interventionId: r.intervention_id,
      tenantId: r.tenant_id,
      attempts: r.attempts,
      url: r.url,
      storedSecret: r.secret,
      guidance: toDelivered(r),
    }));
  }

  async delivered(interventionId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), next_attempt_at = NULL
          WHERE intervention_id = $1 AND channel = 'webhook' AND status = 'pending'`,
        [interventionId],
      );
      await tx.query(
        `UPDATE guidance g SET delivered_at = coalesce(g.delivered_at, now()),
                delivered_seq = coalesce(g.delivered_seq,
                  (SELECT last_seq FROM sessions s WHERE s.tenant_id = g.tenant_id AND s.session_id = g.session_id))
          WHERE intervention_id = $1`,
        [interventionId],
      );
    });
  }

  /** A failed attempt: retried at `retryAt`, or dead when that is null. */
  async failed(interventionId: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = $2,
              status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
              next_attempt_at = $3::timestamptz
        WHERE intervention_id = $1 AND channel = 'webhook'`,
      [interventionId, error.slice(0, 500), retryAt?.toISOString() ?? null],
    );
  }

  /** Secrets stored before encryption, to seal in place. */
  async secretsInClear(): Promise<Array<{ tenantId: string; secret: string }>> {
    const rows: Array<{ tenant_id: string; secret: string }> = await this.db.query(
      `SELECT tenant_id, secret FROM webhooks WHERE secret NOT LIKE 'v1.%'`,
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, secret: r.secret }));
  }

  async replaceSecret(tenantId: string, clear: string, sealed: string): Promise<void> {
    await this.db.query(`UPDATE webhooks SET secret = $3 WHERE tenant_id = $1 AND secret = $2`, [
      tenantId,
      clear,
      sealed,
    ]);
  }
}
