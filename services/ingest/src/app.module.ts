import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiKeyGuard, serviceModules } from '@wink/platform';
import type { IngestConfig } from './config.js';
import { EventsController } from './events/events.controller.js';
import { EventsService } from './events/events.service.js';
import { RateLimiter } from './events/rate-limiter.js';
import { TooManyEventsFilter } from './events/too-many-events.filter.js';
import { OTLP_BODY_LIMIT, OtlpController } from './otlp/otlp.controller.js';
import { OtlpReceiver } from './otlp/otlp-receiver.service.js';
import { TraceConversations } from './otlp/trace-conversations.js';
import { SettingsController } from './settings/settings.controller.js';
import { TrajectoriesController } from './trajectories/trajectories.controller.js';

@Module({})
export class IngestModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: serviceModules({
        databaseUrl: config.DATABASE_URL,
        kafka: { brokers: config.KAFKA_BROKERS, clientId: 'wink-ingest' },
      }),
      controllers: [EventsController, SettingsController, TrajectoriesController, OtlpController],
      providers: [
        EventsService,
        OtlpReceiver,
        TraceConversations,
        { provide: OTLP_BODY_LIMIT, useValue: config.INGEST_BODY_LIMIT_BYTES },
        ApiKeyGuard,
        {
          provide: RateLimiter,
          useValue: new RateLimiter(config.INGEST_RATE_EVENTS_PER_SEC, config.INGEST_RATE_BURST),
        },
        { provide: APP_FILTER, useClass: TooManyEventsFilter },
      ],
    };
  }
}
