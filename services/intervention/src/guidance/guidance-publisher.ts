import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ContractViolation, encodeMessage, TOPICS, type GuidanceV1 } from '@wink/contracts';
import { describeFailure, isMessageFailure, TypedProducer } from '@wink/kafka';
import { mergedWrites, RepeatingJob } from '@wink/platform';
import { GuidanceRepository } from './guidance.repository.js';

/**
 * How long a queued publication is left to the instance that queued it before a sweep takes it up
 * again (any instance's, its own included: a publish still in flight here is skipped by its own).
 */
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
 * instance's sweep once its lease has run out: published at least once, with its idempotent id,
 * though after a failure no longer in order with the session's later guidance. One the broker
 * refuses for its own sake (too large, say) is set aside as `dead`, and the rest go on.
 */
@Injectable()
export class GuidancePublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(GuidancePublisher.name);
  private readonly sends = mergedWrites<OutgoingGuidance>((items) => this.send(items));
  /** Publications queued or in flight here, by intervention id: the sweep leaves them be. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly sweeps = new RepeatingJob(
    () => this.sweep(),
    SWEEP_MS,
    () => undefined, // sweepPages logs its own failures
  );
  private sweeping: Promise<void> | null = null;

  constructor(
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.sweeps.stop();
    await this.sweeping;
    await Promise.all(this.pending.values());
  }

  /**
   * Publishes guidance whose `topic` delivery is queued, but for any this instance is still
   * publishing (leased again meanwhile by its sweep or a redelivered verdict); never fails (the
   * sweep retries).
   */
  publish(guidance: OutgoingGuidance[]): Promise<void> {
    const notInFlight = guidance.filter((g) => !this.pending.has(g.interventionId));
    return Promise.all(notInFlight.map((g) => this.publishOne(g))).then(() => undefined);
  }

  /**
   * Each on its own submission, so that when the broker refuses one, the others of its write are
   * published again without it and only it is set aside.
   */
  private publishOne(guidance: OutgoingGuidance): Promise<void> {
    const { interventionId } = guidance;
    const sent: Promise<void> = this.sends
      .submit([guidance])
      .catch((error) =>
        isMessageFailure(error)
          ? this.repo.markUnpublishable(interventionId, describeFailure(error))
          : undefined,
      )
      .catch((error) =>
        this.log.warn({ msg: 'could not set aside unpublishable guidance', error: String(error) }),
      )
      .finally(() => this.pending.delete(interventionId));
    this.pending.set(interventionId, sent);
    return sent;
  }

  /**
   * Takes up the publications whose lease ran out, a page at a time, as long as pages come back
   * full (a backlog left by a broker outage drains at the broker's pace, not a page per sweep).
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepPages().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepPages(): Promise<void> {
    try {
      let due: GuidanceV1[];
      do {
        if (this.sweeps.stopped) return;
        due = await this.repo.leaseUnpublished(SWEEP_LIMIT, PUBLISH_LEASE_MS);
        const outgoing: OutgoingGuidance[] = [];
        for (const g of due) {
          try {
            outgoing.push(encodeGuidance(g));
          } catch (error) {
            if (!(error instanceof ContractViolation)) throw error;
            await this.repo.markUnpublishable(g.interventionId, error.message);
          }
        }
        await this.publish(outgoing);
      } while (due.length === SWEEP_LIMIT);
    } catch (error) {
      this.log.warn({ msg: 'guidance publication sweep failed', error: String(error) });
    }
  }

  private async send(items: OutgoingGuidance[]): Promise<void> {
    const ids = items.map((i) => i.interventionId);
    try {
      await this.producer.sendRaw(
        TOPICS.guidance,
        items.map(({ key, value }) => ({ key, value })),
      );
    } catch (error) {
      if (!isMessageFailure(error)) {
        this.log.warn({
          msg: 'guidance not published yet; the sweep will retry',
          error: String(error),
        });
        // Only the record of the attempt: the lease running out is what brings the retry.
        await this.repo.recordPublishFailure(ids, describeFailure(error)).catch(() => undefined);
      }
      throw error;
    }
    await this.repo.markPublished(ids);
  }
}
