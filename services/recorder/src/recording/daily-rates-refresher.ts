import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { refreshDailyRates } from '@wink/persistence';
import { counter } from '@wink/platform';
import { RECORDER_CONFIG } from '../tokens.js';
import type { RecorderConfig } from '../config.js';

const BUCKETS_PER_CALL = 200;
const refreshed = counter(
  'wink_daily_rate_buckets_refreshed_total',
  'Tenant-days whose misbehaviour rates were recomputed',
);

/**
 * Keeps the daily misbehaviour rates the analytics read up to date: every interval it recomputes
 * the tenant-days the writer marked, until none is left; each run starts after the last ended.
 */
@Injectable()
export class DailyRatesRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DailyRatesRefresher.name);
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(RECORDER_CONFIG) private readonly config: RecorderConfig,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.drain()
        .catch((error) =>
          this.log.warn({ msg: 'daily rates refresh failed', error: String(error) }),
        )
        .finally(() => this.schedule());
    }, this.config.ROLLUP_REFRESH_MS);
  }

  private async drain(): Promise<void> {
    let n: number;
    do {
      n = await refreshDailyRates(this.db, BUCKETS_PER_CALL);
      refreshed.inc(n);
    } while (n === BUCKETS_PER_CALL && !this.stopped);
  }
}
