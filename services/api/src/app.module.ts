import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyGuard, serviceModules } from '@wink/platform';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { AnalyticsQueries } from './analytics/analytics.queries.js';
import type { ApiConfig } from './config.js';
import { DashboardController } from './dashboard/dashboard.controller.js';
import { ExperimentsController } from './experiments/experiments.controller.js';
import { ExperimentsRepository } from './experiments/experiments.repository.js';
import { KeysController } from './keys/keys.controller.js';
import { LabelsController } from './labels/labels.controller.js';
import { LabelsRepository } from './labels/labels.repository.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsRepository } from './sessions/sessions.repository.js';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: serviceModules({ databaseUrl: config.DATABASE_URL }),
      controllers: [
        AnalyticsController,
        SessionsController,
        LabelsController,
        ExperimentsController,
        DashboardController,
        KeysController,
      ],
      providers: [
        ApiKeyGuard,
        AnalyticsQueries,
        SessionsRepository,
        LabelsRepository,
        ExperimentsRepository,
      ],
    };
  }
}
