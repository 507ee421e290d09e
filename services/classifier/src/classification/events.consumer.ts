import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage, type Poisoned } from '@wink/kafka';
import { ClassifierService } from './classifier.service.js';

@Controller()
@UseFilters(RethrowToTransport)
export class EventsConsumer {
  constructor(@Inject(ClassifierService) private readonly classifier: ClassifierService) {}

  @EventPattern(TOPICS.events)
  onEvents(
    @Payload() messages: ConsumedMessage<typeof TOPICS.events>[],
  ): Promise<Poisoned<ConsumedMessage<typeof TOPICS.events>>[]> {
    return this.classifier.classify(messages);
  }
}
