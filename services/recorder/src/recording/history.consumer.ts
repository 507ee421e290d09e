import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage } from '@wink/kafka';
import { mergedWrites, PARTITION_BATCH_LIMITS, type Coalescer } from '@wink/platform';
import { HistoryWriter } from './history-writer.js';

/**
 * Each batch is one partition's, written with the batches handed over beside it (`mergedWrites`);
 * the transport commits its offsets after the write commits.
 */

@Controller()
@UseFilters(RethrowToTransport)
export class HistoryConsumer {
  private readonly events: Coalescer<ConsumedMessage<typeof TOPICS.events>>;
  private readonly verdicts: Coalescer<ConsumedMessage<typeof TOPICS.verdicts>>;

  constructor(@Inject(HistoryWriter) writer: HistoryWriter) {
    this.events = mergedWrites((m) => writer.writeEvents(m), PARTITION_BATCH_LIMITS);
    this.verdicts = mergedWrites((m) => writer.writeVerdicts(m), PARTITION_BATCH_LIMITS);
  }

  @EventPattern(TOPICS.events)
  async onEvents(@Payload() messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<void> {
    await this.events.submit(messages);
  }

  @EventPattern(TOPICS.verdicts)
  async onVerdicts(@Payload() messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<void> {
    await this.verdicts.submit(messages);
  }
}
