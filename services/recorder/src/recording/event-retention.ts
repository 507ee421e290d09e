import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maintainEventPartitions } from '@wink/persistence';
import { counter } from '@wink/platform';
import { RECORDER_CONFIG } from '../tokens.js';
import type { RecorderConfig } from '../config.js';

const dropped = counter(
  'wink_event_partitions_dropped_total',
  'Day partitions of the events table dropped after the retention period',
);

/**
 * The events table's retention: at start and then every interval, day partitions are created
 * ahead and those past the retention period dropped (labelled sessions kept). Any recorder may
 * run it; one at a time does.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(EventRetention.name);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(RECORDER_CONFIG) private readonly config: RecorderConfig,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.run(0);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private run(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      maintainEventPartitions(this.db, {
        retentionDays: this.config.RETENTION_DAYS,
        aheadDays: this.config.PARTITIONS_AHEAD_DAYS,
      })
        .then((report) => {
          dropped.inc(report.dropped.length);
          if (report.created.length || report.dropped.length || report.expiredDefault)
            this.log.log({ msg: 'event partitions maintained', ...report });
        })
        .catch((error) => this.log.warn({ msg: 'event retention failed', error: String(error) }))
        .finally(() => this.run(this.config.RETENTION_INTERVAL_MS));
    }, delayMs);
  }
}
