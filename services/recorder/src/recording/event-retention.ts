import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maintainEventPartitions } from '@wink/persistence';
import { counter, RepeatingJob } from '@wink/platform';
import { RECORDER_CONFIG } from '../tokens.js';
import type { RecorderConfig } from '../config.js';

const dropped = counter(
  'wink_event_partitions_dropped_total',
  'Day partitions of the events table dropped after the retention period',
);

/**
 * The events table's retention: at start and then every interval, day partitions are created
 * ahead and those past the longest retention (global or a tenant's) dropped; tenants with a
 * shorter one have their expired rows deleted in batches (labelled sessions kept either way).
 * Any recorder may run it; one at a time does.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(EventRetention.name);
  private readonly job: RepeatingJob;

  constructor(
    @Inject(RECORDER_CONFIG) private readonly config: RecorderConfig,
    @Inject(DataSource) private readonly db: DataSource,
  ) {
    this.job = new RepeatingJob(
      () => this.maintain(),
      config.RETENTION_INTERVAL_MS,
      (error) => this.log.warn({ msg: 'event retention failed', error: String(error) }),
    );
  }

  onApplicationBootstrap(): void {
    this.job.start(0);
  }

  onApplicationShutdown(): void {
    this.job.stop();
  }

  private async maintain(): Promise<void> {
    const report = await maintainEventPartitions(this.db, {
      retentionDays: this.config.RETENTION_DAYS,
      aheadDays: this.config.PARTITIONS_AHEAD_DAYS,
    });
    dropped.inc(report.dropped.length);
    const expired = report.expiredDefault + report.expiredShorter + report.expiredDeadLetters;
    if (report.created.length || report.dropped.length || expired > 0)
      this.log.log({ msg: 'event partitions maintained', ...report });
  }
}
