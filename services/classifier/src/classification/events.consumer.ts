import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@wink/contracts';
import type { ConsumedMessage } from '@wink/kafka';
import { ClassifierService } from './classifier.service.js';

@Controller()
export class EventsConsumer {
  constructor(@Inject(ClassifierService) private readonly classifier: ClassifierService) {}

  @EventPattern(TOPICS.events)
  async onEvents(@Payload() messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<void> {
    await this.classifier.classify(messages);
  }
}
