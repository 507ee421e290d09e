import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { TOPICS, type TrajectoryEvent } from '@wink/contracts';
import { TypedProducer } from '@wink/kafka';
import { redactEvent } from '@wink/redaction';

@Injectable()
export class EventsService {
  private readonly log = new Logger(EventsService.name);

  constructor(@Inject(TypedProducer) private readonly producer: TypedProducer) {}

  /**
   * Publishes a validated batch keyed by session, secrets masked first (nothing downstream ever
   * holds them); resolves once Kafka acknowledged all of it.
   */
  async publish(tenantId: string, events: TrajectoryEvent[]): Promise<number> {
    const receivedAt = Date.now();
    try {
      await this.producer.send(
        TOPICS.events,
        events.map((event) => ({
          key: event.sessionId,
          value: { v: 1 as const, tenantId, receivedAt, event: redactEvent(event) },
        })),
      );
    } catch (error) {
      this.log.error({ msg: 'kafka did not acknowledge a batch', tenantId, error: String(error) });
      throw new ServiceUnavailableException('event log unavailable; retry with the same eventIds');
    }
    return events.length;
  }
}
