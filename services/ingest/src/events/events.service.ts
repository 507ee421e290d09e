import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { TOPICS, type EventRecordV1, type TrajectoryEvent } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { redactEvent } from '@wink/redaction';
import { ProduceCoalescer } from './produce-coalescer.js';

@Injectable()
export class EventsService {
  private readonly log = new Logger(EventsService.name);

  private readonly produce: ProduceCoalescer<{ key: string; value: Buffer }>;

  constructor(@Inject(TypedProducer) producer: TypedProducer) {
    this.produce = new ProduceCoalescer((messages) => producer.sendRaw(TOPICS.events, messages));
  }

  /**
   * Publishes a batch validated against the contract at the edge, keyed by session, secrets
   * masked first (nothing downstream ever holds them), in one produce (shared with the batches of
   * concurrent requests); resolves once Kafka
   * acknowledged all of it. Redaction keeps every field within the contract, so the records are
   * serialised without validating them a second time.
   */
  async publish(tenantId: string, events: TrajectoryEvent[]): Promise<number> {
    const receivedAt = Date.now();
    const messages = new Array<{ key: string; value: Buffer }>(events.length);
    for (let i = 0; i < events.length; i++) {
      const record: EventRecordV1 = { v: 1, tenantId, receivedAt, event: redactEvent(events[i]) };
      messages[i] = { key: events[i].sessionId, value: Buffer.from(JSON.stringify(record)) };
    }
    try {
      await this.produce.submit(messages);
    } catch (error) {
      this.log.error({ msg: 'kafka did not acknowledge a batch', tenantId, error: String(error) });
      throw new ServiceUnavailableException('event log unavailable; retry with the same eventIds');
    }
    return events.length;
  }
}
