import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type VerdictV1 } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage } from '@wink/kafka';
import { mergedWrites, PARTITION_BATCH_LIMITS, type Coalescer } from '@wink/platform';
import { InterventionService } from './intervention.service.js';

/**
 * Each batch is one partition's, handled with the batches handed over beside it (`mergedWrites`):
 * a fetch's verdicts share one policy-inputs query and one store statement rather than one of each
 * per partition. A session's verdicts are all on its partition, so their order is kept. A merged
 * call failing on its data is retried batch by batch; one failing on the world fails them all.
 */
@Controller()
@UseFilters(RethrowToTransport)
export class VerdictsConsumer {
  private readonly verdicts: Coalescer<VerdictV1>;

  constructor(@Inject(InterventionService) interventions: InterventionService) {
    this.verdicts = mergedWrites((v) => interventions.handle(v), PARTITION_BATCH_LIMITS);
  }

  @EventPattern(TOPICS.verdicts)
  async onVerdicts(@Payload() messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<void> {
    await this.verdicts.submit(messages.map((m) => m.value));
  }
}
