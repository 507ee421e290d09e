import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { CONSUMER_GROUPS, TOPICS } from '@wink/contracts';
import { physicalGroup, physicalTopic } from '@wink/kafka';
import { histogram, KAFKA } from '@wink/platform';
import { CLASSIFIER_CONFIG } from '../tokens.js';
import type { ClassifierConfig } from '../config.js';

const POLL_MS = 100;
export const historyWait = histogram(
  'wink_classifier_history_wait_seconds',
  'How long a batch with windows to rebuild waited for the recorder to reach it, when the last read of its offsets fell short: reached, or timed_out (the windows were rebuilt before the recorder had reached the events they needed)',
  ['outcome'],
);

/**
 * How far the recorder has written the events topic. A classifier that takes over a partition
 * (or lost a window to eviction) rebuilds its windows from Postgres, which holds every event of
 * the partition before the recorder's committed offset: waiting for that offset to pass the
 * batch's first message means the rebuilt window is the whole window, not what the recorder
 * happened to have written. Bounded: with the recorder down, windows are rebuilt from what is
 * there after `CLASSIFIER_HISTORY_WAIT_MS` (timed as `timed_out`), rather than stalling the
 * partition; and at most half the Kafka session timeout, since the consumer does not heartbeat
 * while its batch waits.
 */
@Injectable()
export class RecorderProgress implements OnApplicationShutdown {
  private readonly log = new Logger(RecorderProgress.name);
  private admin: Promise<Admin> | null = null;
  /** The recorder's committed offset of each partition, as last read. */
  private readonly lastRead = new Map<number, bigint>();
  /** The read under way: every batch waiting meanwhile shares it rather than asking again. */
  private reading: Promise<void> | null = null;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CLASSIFIER_CONFIG) private readonly config: ClassifierConfig,
  ) {}

  /**
   * Resolves true once the recorder has committed `partition` of the events topic at or past
   * `offset`. Asks the broker only while the last read is short of it.
   */
  async waitForRecorded(partition: number, offset: string): Promise<boolean> {
    const needed = BigInt(offset);
    const reached = () => (this.lastRead.get(partition) ?? -1n) >= needed;
    if (reached()) return true;
    const waited = historyWait.startTimer();
    const deadline =
      Date.now() +
      Math.min(this.config.CLASSIFIER_HISTORY_WAIT_MS, this.config.KAFKA_SESSION_TIMEOUT_MS / 2);
    for (;;) {
      try {
        await (this.reading ??= this.read().finally(() => (this.reading = null)));
        if (reached()) {
          waited({ outcome: 'reached' });
          return true;
        }
      } catch (error) {
        this.log.warn({ msg: 'could not read the recorder offsets', error: String(error) });
      }
      if (Date.now() >= deadline) {
        waited({ outcome: 'timed_out' });
        this.log.warn({
          msg: 'rebuilding windows before the recorder caught up',
          partition,
          offset,
        });
        return false;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.admin) await (await this.admin).disconnect();
  }

  private async read(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => (this.admin = null));
    }
    const admin = await this.admin;
    const [topic] = await admin.fetchOffsets({
      groupId: physicalGroup(CONSUMER_GROUPS.recorder),
      topics: [physicalTopic(TOPICS.events)],
    });
    for (const { partition, offset } of topic.partitions)
      this.lastRead.set(partition, BigInt(offset));
  }
}
