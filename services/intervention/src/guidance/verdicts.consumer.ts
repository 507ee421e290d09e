import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage } from '@wink/kafka';
import { InterventionService } from './intervention.service.js';

@Controller()
@UseFilters(RethrowToTransport)
export class VerdictsConsumer {
  constructor(@Inject(InterventionService) private readonly interventions: InterventionService) {}

  @EventPattern(TOPICS.verdicts)
  async onVerdicts(@Payload() messages: ConsumedMessage<typeof TOPICS.verdicts>[]): Promise<void> {
    await this.interventions.handle(messages.map((m) => m.value));
  }
}
