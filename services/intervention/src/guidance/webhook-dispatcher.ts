import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { TOPICS } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { GuidanceRepository, type DueWebhook } from './guidance.repository.js';
import { delivered, guidanceToDelivery, webhookFailures } from './intervention.metrics.js';

const POLL_MS = 200;
const BATCH = 50;

/** `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the tenant's secret>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/** Exponential backoff: base, 2×base, 4×base… for the attempt that just failed (1-based). */
export function backoffMs(base: number, attempt: number): number {
  return base * 2 ** (attempt - 1);
}

/**
 * Pushes guidance to tenants' webhooks: signed, retried with exponential backoff, dead-lettered
 * after the last attempt. Due deliveries are leased in Postgres, so any number of instances can
 * dispatch without sending one twice.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhookDispatcher.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.dispatchDue()
        .catch((error) => this.log.warn({ msg: 'webhook dispatch failed', error: String(error) }))
        .finally(() => (this.running = null));
    }, POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  async dispatchDue(): Promise<void> {
    const due = await this.repo.leaseDueWebhooks(BATCH);
    await Promise.all(due.map((d) => this.deliver(d)));
  }

  private async deliver(d: DueWebhook): Promise<void> {
    const body = JSON.stringify({ type: 'guidance', guidance: d.guidance });
    const timestamp = Date.now();
    const attempt = d.attempts + 1;
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'wink-signature': signWebhook(d.secret, timestamp, body),
          'wink-delivery': d.interventionId,
          'wink-attempt': String(attempt),
        },
        body,
        signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      });
      if (res.ok) {
        await this.repo.webhookDelivered(d.interventionId);
        delivered.inc({ channel: 'webhook' });
        guidanceToDelivery.observe(
          { channel: 'webhook' },
          (Date.now() - Date.parse(d.guidance.createdAt)) / 1000,
        );
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const final = attempt >= this.config.WEBHOOK_MAX_ATTEMPTS;
    webhookFailures.inc({ final: String(final) });
    const retryAt = final
      ? null
      : new Date(Date.now() + backoffMs(this.config.WEBHOOK_BACKOFF_MS, attempt));
    await this.repo.webhookFailed(d.interventionId, error, retryAt);
    if (final) {
      await this.producer.send(TOPICS.deadLetter, [
        {
          key: d.guidance.sessionId,
          value: {
            v: 1,
            sourceTopic: TOPICS.guidance,
            partition: -1,
            offset: '-1',
            key: d.guidance.sessionId,
            valueBase64: Buffer.from(body).toString('base64'),
            reason: `webhook ${d.url} failed ${attempt} times; last: ${error}`,
            consumerGroup: 'wink-webhooks',
            at: Date.now(),
          },
        },
      ]);
      this.log.warn({
        msg: 'webhook dead-lettered',
        tenantId: d.tenantId,
        interventionId: d.interventionId,
        error,
      });
    }
  }
}
