import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { Coalescer } from '@wink/platform';
import { eventMessages, type EventMessage } from './event-records.js';

@Injectable()
export class EventsService {
  private readonly log = new Logger(EventsService.name);

  /** One produce in flight, as the idempotent producer (one request per broker) needs. */
  private readonly produce: Coalescer<EventMessage>;

  constructor(@Inject(TypedProducer) producer: TypedProducer) {
    this.produce = new Coalescer((messages) => producer.sendRaw(TOPICS.events, messages));
  }

  /**
   * Publishes a batch validated against the contract at the edge, keyed by session, secrets
   * masked first (nothing downstream ever holds them), in one produce (shared with the batches of
   * concurrent requests); resolves once Kafka acknowledged all of it.
   */
  async publish(tenantId: string, events: TrajectoryEvent[]): Promise<number> {
    const messages = eventMessages(tenantId, Date.now(), events);
    try {
      await this.produce.submit(messages);
    } catch (error) {
      this.log.error({ msg: 'kafka did not acknowledge a batch', tenantId, error: String(error) });
      throw new ServiceUnavailableException('event log unavailable; retry with the same eventIds');
    }
    return events.length;
  }
}
