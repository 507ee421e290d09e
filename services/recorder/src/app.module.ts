import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyGuard, serviceModules } from '@wink/platform';
import type { RecorderConfig } from './config.js';
import { HistoryConsumer } from './recording/history.consumer.js';
import { DailyRatesRefresher } from './recording/daily-rates-refresher.js';
import { HistoryWriter } from './recording/history-writer.js';
import { EventRetention } from './recording/event-retention.js';
import { RECORDER_CONFIG } from './tokens.js';
import { DeadLetterStore } from './dead-letters/dead-letter-store.js';
import { DeadLettersConsumer } from './dead-letters/dead-letters.consumer.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';

@Module({})
export class RecorderModule {
  static forRoot(config: RecorderConfig): DynamicModule {
    return {
      module: RecorderModule,
      imports: serviceModules({
        databaseUrl: config.DATABASE_URL,
        kafka: { brokers: config.KAFKA_BROKERS, clientId: 'wink-recorder' },
      }),
      controllers: [HistoryConsumer, DeadLettersConsumer, DeadLettersController],
      providers: [
        { provide: RECORDER_CONFIG, useValue: config },
        HistoryWriter,
        DeadLetterStore,
        ApiKeyGuard,
        DailyRatesRefresher,
        EventRetention,
      ],
    };
  }
}
