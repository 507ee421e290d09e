import { Module, type DynamicModule } from '@nestjs/common';
import { serviceModules } from '@wink/platform';
import type { RecorderConfig } from './config.js';
import { HistoryConsumer } from './recording/history.consumer.js';
import { DailyRatesRefresher } from './recording/daily-rates-refresher.js';
import { HistoryWriter } from './recording/history-writer.js';
import { EventRetention } from './recording/event-retention.js';
import { RECORDER_CONFIG } from './tokens.js';

@Module({})
export class RecorderModule {
  static forRoot(config: RecorderConfig): DynamicModule {
    return {
      module: RecorderModule,
      imports: serviceModules({
        databaseUrl: config.DATABASE_URL,
        kafka: { brokers: config.KAFKA_BROKERS, clientId: 'wink-recorder' },
      }),
      controllers: [HistoryConsumer],
      providers: [
        { provide: RECORDER_CONFIG, useValue: config },
        HistoryWriter,
        DailyRatesRefresher,
        EventRetention,
      ],
    };
  }
}
