import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { GuidanceRepository } from './guidance.repository.js';
import { outcomes } from './intervention.metrics.js';

/**
 * Marks delivered guidance `resolved` once its session has gone the outcome window further with
 * no recurrence (recurrences are marked as their verdicts arrive). Idempotent, so every instance
 * may run it.
 */
@Injectable()
export class OutcomeSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutcomeSweeper.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.repo
        .resolveQuietOnes(this.config.OUTCOME_STEPS)
        .then((n) => outcomes.inc({ outcome: 'resolved' }, n))
        .catch((error) => this.log.warn({ msg: 'outcome sweep failed', error: String(error) }));
    }, this.config.OUTCOME_SWEEP_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
