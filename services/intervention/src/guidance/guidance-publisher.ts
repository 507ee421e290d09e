import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ContractViolation, encodeMessage, TOPICS, type GuidanceV1 } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { Coalescer } from '@wink/platform';
import { GuidanceRepository } from './guidance.repository.js';

/** How long a queued publication is left to the instance that stored it before another takes it. */
export const PUBLISH_LEASE_MS = 10_000;
const SWEEP_MS = 5000;
const SWEEP_LIMIT = 500;

/** Guidance encoded for the guidance topic (so it is known to meet the contract before it is stored). */
export interface OutgoingGuidance {
  interventionId: string;
  key: string;
  value: Buffer;
}

export const encodeGuidance = (g: GuidanceV1): OutgoingGuidance => ({
  interventionId: g.interventionId,
  key: g.sessionId,
  value: encodeMessage(TOPICS.guidance, g),
});

/**
 * Publishes guidance on the guidance topic from Postgres' record of it (an outbox): the statement
 * that stores guidance also queues its `topic` delivery, leased to this instance, so the verdict
 * batch is done, and its offsets may be committed, once that statement is; the next batch does not
 * wait for the broker. Publications of concurrent batches share one produce and one update
 * marking them delivered. One that fails, or whose instance stops first, is taken up by any
 * instance's sweep once its lease has run out: published at least once, with its idempotent id.
 */
@Injectable()
export class GuidancePublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(GuidancePublisher.name);
  private readonly sends = new Coalescer<OutgoingGuidance>((items) => this.send(items), {
    gatherTurn: true,
  });
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  /** Publishes guidance whose `topic` delivery is queued; never fails (the sweep retries). */
  publish(guidance: OutgoingGuidance[]): void {
    if (guidance.length === 0) return;
    const sent: Promise<void> = this.sends
      .submit(guidance)
      .catch((error) =>
        this.log.warn({
          msg: 'guidance not published yet; the sweep will retry',
          error: String(error),
        }),
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
  }

  /** Takes up the publications whose lease ran out. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const due = await this.repo.leaseUnpublished(SWEEP_LIMIT, PUBLISH_LEASE_MS);
      const outgoing: OutgoingGuidance[] = [];
      for (const g of due) {
        try {
          outgoing.push(encodeGuidance(g));
        } catch (error) {
          if (!(error instanceof ContractViolation)) throw error;
          await this.repo.markUnpublishable(g.interventionId, error.message);
        }
      }
      this.publish(outgoing);
    } catch (error) {
      this.log.warn({ msg: 'guidance publication sweep failed', error: String(error) });
    } finally {
      this.sweeping = false;
    }
  }

  private async send(items: OutgoingGuidance[]): Promise<void> {
    await this.producer.sendRaw(
      TOPICS.guidance,
      items.map(({ key, value }) => ({ key, value })),
    );
    await this.repo.markPublished(items.map((i) => i.interventionId));
  }
}
