import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { refreshDailyRates } from '@wink/persistence';
import { counter, RepeatingJob } from '@wink/platform';
import { RECORDER_CONFIG } from '../tokens.js';
import type { RecorderConfig } from '../config.js';

const SESSIONS_PER_CALL = 500;
const refreshed = counter(
  'wink_daily_rate_sessions_refreshed_total',
  'Sessions whose contribution to the daily misbehaviour rates was brought up to date',
);

/**
 * Keeps the daily misbehaviour rates the analytics read up to date: every interval it applies
 * the changes of the sessions marked since the last run (incrementally: the cost is what arrived,
 * not the size of the days), until none is left; each run starts after the last ended.
 */
@Injectable()
export class DailyRatesRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(DailyRatesRefresher.name);
  private readonly job: RepeatingJob;

  constructor(
    @Inject(RECORDER_CONFIG) config: RecorderConfig,
    @Inject(DataSource) private readonly db: DataSource,
  ) {
    this.job = new RepeatingJob(
      () => this.drain(),
      config.ROLLUP_REFRESH_MS,
      (error) => this.log.warn({ msg: 'daily rates refresh failed', error: String(error) }),
    );
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  onApplicationShutdown(): void {
    this.job.stop();
  }

  private async drain(): Promise<void> {
    let n: number;
    do {
      n = await refreshDailyRates(this.db, SESSIONS_PER_CALL);
      refreshed.inc(n);
    } while (n === SESSIONS_PER_CALL && !this.job.stopped);
  }
}
