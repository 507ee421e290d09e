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
import { MinHeap, pinnedPost, WebhookEgress, WebhookRefused } from '@wink/platform';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { delivered, guidanceToDelivery, webhookFailures } from './intervention.metrics.js';
import { WebhookDeliveriesRepository, type DueWebhook } from './webhook-deliveries.repository.js';

/**
 * Deliveries are leased when they are queued, when a slot frees and when a retry falls due; this
 * slow poll is only for what no wake-up names: deliveries another instance queued and stopped
 * before sending, and leases it held when it stopped.
 */
const SAFETY_POLL_MS = 5000;
const RETRY_WAKE_SLACK_MS = 100;

/** `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the tenant's secret>`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * Exponential backoff: base, 2×base, 4×base… for the attempt that just failed (1-based), at most
 * `max` (a timer further out than about 24.8 days would fire at once).
 */
export function backoffMs(base: number, attempt: number, max: number): number {
  return Math.min(max, base * 2 ** (attempt - 1));
}

/**
 * Pushes guidance to tenants' webhooks: signed, retried with exponential backoff, dead-lettered
 * after the last attempt. Only to addresses the egress rules allow, pinned to the address
 * checked, never following a redirect. Each tenant has its own few slots, so a slow endpoint
 * holds up only its own tenant. Due deliveries are leased in Postgres, so any number of
 * instances can dispatch without sending one twice. An idle dispatcher does not query.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhookDispatcher.name);
  private timer: NodeJS.Timeout | null = null;
  private leasing: Promise<void> | null = null;
  /** A wake-up came while a lease was under way: lease again after it. */
  private wanted = false;
  private stopped = false;
  /** When each failed delivery is due again; one timer waits for the earliest. */
  private readonly retriesDue = new MinHeap();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryTimerAt = Infinity;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Map<string, number>();

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(WebhookDeliveriesRepository) private readonly repo: WebhookDeliveriesRepository,
    @Inject(WebhookEgress) private readonly egress: WebhookEgress,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sealSecretsInClear();
    this.timer = setInterval(() => this.wake(), SAFETY_POLL_MS);
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.leasing;
    await Promise.all(this.inFlight);
  }

  /** Leases and starts what is due now, or right after the lease under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.leasing) {
      this.wanted = true;
      return;
    }
    this.leasing = this.dispatchDue()
      .catch((error) => this.log.warn({ msg: 'webhook dispatch failed', error: String(error) }))
      .finally(() => {
        this.leasing = null;
        if (this.wanted) {
          this.wanted = false;
          this.wake();
        }
      });
  }

  /** Leases what free slots allow and starts those deliveries without waiting for them. */
  private async dispatchDue(): Promise<void> {
    const free = this.config.WEBHOOK_MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return;
    const due = await this.repo.leaseDue(free, this.config.WEBHOOK_TENANT_CONCURRENCY, this.busy);
    for (const d of due) {
      this.busy.set(d.tenantId, (this.busy.get(d.tenantId) ?? 0) + 1);
      const running: Promise<void> = this.deliver(d)
        .catch((error) => this.log.warn({ msg: 'webhook delivery failed', error: String(error) }))
        .finally(() => {
          this.inFlight.delete(running);
          const left = (this.busy.get(d.tenantId) ?? 1) - 1;
          if (left > 0) this.busy.set(d.tenantId, left);
          else this.busy.delete(d.tenantId);
          // Its slot is free: a delivery of the tenant may be waiting for it.
          this.wake();
        });
      this.inFlight.add(running);
    }
  }

  /** Secrets stored in clear before encryption at rest are sealed once, at start. */
  private async sealSecretsInClear(): Promise<void> {
    const box = this.egress.secrets;
    if (!box) return;
    for (const { tenantId, secret } of await this.repo.secretsInClear())
      await this.repo.replaceSecret(tenantId, secret, box.seal(secret));
  }

  private async deliver(d: DueWebhook): Promise<void> {
    const body = JSON.stringify({ type: 'guidance', guidance: d.guidance });
    const timestamp = Date.now();
    const attempt = d.attempts + 1;
    let error: string;
    let refused = false;
    try {
      const box = this.egress.secrets;
      if (!box) throw new WebhookRefused('webhooks are not configured (no WEBHOOK_SECRET_KEY)');
      const target = await this.egress.resolve(d.url);
      const status = await pinnedPost(
        target,
        {
          'content-type': 'application/json',
          'wink-signature': signWebhook(box.open(d.storedSecret), timestamp, body),
          'wink-delivery': d.interventionId,
          'wink-attempt': String(attempt),
        },
        body,
        this.config.WEBHOOK_TIMEOUT_MS,
      );
      if (status >= 200 && status < 300) {
        await this.repo.delivered(d.interventionId);
        delivered.inc({ channel: 'webhook' });
        guidanceToDelivery.observe(
          { channel: 'webhook' },
          (Date.now() - Date.parse(d.guidance.createdAt)) / 1000,
        );
        return;
      }
      error =
        status >= 300 && status < 400
          ? `HTTP ${status} (redirects are not followed)`
          : `HTTP ${status}`;
    } catch (e) {
      refused = e instanceof WebhookRefused;
      // A network error is named by its kind only, not the address and port it reached.
      error = refused
        ? `refused: ${(e as Error).message}`
        : ((e as { code?: string }).code ?? (e as Error).name ?? 'network error');
    }
    // A refused destination will be refused again: no point in retrying it.
    const final = refused || attempt >= this.config.WEBHOOK_MAX_ATTEMPTS;
    webhookFailures.inc({ final: String(final) });
    const retryAt = final
      ? null
      : new Date(
          Date.now() +
            backoffMs(this.config.WEBHOOK_BACKOFF_MS, attempt, this.config.WEBHOOK_BACKOFF_MAX_MS),
        );
    // Dead-lettered before the row is marked dead: a failed produce leaves it to be retried.
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
            reason: `webhook failed ${attempt} times; last: ${error}`,
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
    await this.repo.failed(d.interventionId, error, retryAt);
    if (retryAt) this.wakeAt(retryAt);
  }

  private wakeAt(at: Date): void {
    // The lease compares with Postgres' clock: a little late, so the retry is due there too.
    this.retriesDue.push(at.getTime() + RETRY_WAKE_SLACK_MS);
    this.armRetryTimer();
  }

  /** Sets the one retry timer for the earliest retry still to come, if it is not set for it. */
  private armRetryTimer(): void {
    const next = this.retriesDue.peek();
    if (this.stopped || next === undefined) return;
    if (this.retryTimer && this.retryTimerAt <= next) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimerAt = next;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        while ((this.retriesDue.peek() ?? Infinity) <= next) this.retriesDue.pop();
        this.wake();
        this.armRetryTimer();
      },
      Math.max(0, next - Date.now()),
    );
    this.retryTimer.unref();
  }
}
