import { Controller, Inject, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type PoisonMessageV1 } from '@wink/contracts';
import { RethrowToTransport, type ConsumedMessage } from '@wink/kafka';
import { DeadLetterStore } from './dead-letter-store.js';

/** Stores every consumer's dead letters, so they can be listed and replayed. */
@Controller()
@UseFilters(RethrowToTransport)
export class DeadLettersConsumer {
  constructor(@Inject(DeadLetterStore) private readonly store: DeadLetterStore) {}

  @EventPattern(TOPICS.eventsDeadLetter)
  async onEventsDeadLetters(@Payload() messages: ConsumedMessage[]): Promise<void> {
    await this.store.record(messages.map((m) => m.value as PoisonMessageV1));
  }

  @EventPattern(TOPICS.verdictsDeadLetter)
  async onVerdictsDeadLetters(@Payload() messages: ConsumedMessage[]): Promise<void> {
    await this.store.record(messages.map((m) => m.value as PoisonMessageV1));
  }
}
