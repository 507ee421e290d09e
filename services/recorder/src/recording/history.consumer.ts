import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage } from '@wink/kafka';
import { HistoryWriter } from './history-writer.js';

/** Each batch is one partition's; the transport commits its offsets after the write commits. */
@Controller()
@UseFilters(RethrowToTransport)
export class HistoryConsumer {
  constructor(@Inject(HistoryWriter) private readonly writer: HistoryWriter) {}

  @EventPattern(TOPICS.events)
  async onEvents(@Payload() messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<void> {
    await this.writer.writeEvents(messages);
  }

  @EventPattern(TOPICS.verdicts)
  async onVerdicts(@Payload() messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<void> {
    await this.writer.writeVerdicts(messages);
  }
}
