import { Inject, Injectable } from '@nestjs/common';
import { TrajectoryEvent, validate, type FieldError } from '@wink/contracts';
import { partialSuccessOf, readExport, type PartialSuccess, type Signal } from '@wink/otlp';
import { EventsService } from '../events/events.service.js';
import { RateLimiter } from '../events/rate-limiter.js';
import { TooManyEvents } from '../events/too-many-events.js';
import { RecentConversations } from './recent-conversations.js';

const REMEMBERED_TRACES = 50_000;

export type Receipt =
  { ok: true; partial: PartialSuccess | null } | { ok: false; error: FieldError };

/**
 * An OTLP export read into trajectory events and published through ingest's own path (rate
 * limit, redaction, Kafka). A span or record whose events break the contract is rejected on its
 * own (OTLP's partial success); the rest goes on.
 */
@Injectable()
export class OtlpReceiver {
  private readonly conversations = new RecentConversations(REMEMBERED_TRACES);

  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
  ) {}

  async receive(tenantId: string, signal: Signal, body: unknown): Promise<Receipt> {
    const read = readExport(signal, body, this.conversations);
    if (!read.ok) return read;
    const mapping = read.value;
    const checked = mapping.events.map(({ event, item }) => ({
      item,
      result: validate(TrajectoryEvent, event),
    }));
    for (const { item, result } of checked) {
      if (!result.ok && !mapping.rejected.has(item)) {
        mapping.rejected.set(item, `${result.error.field}: ${result.error.message}`);
      }
    }
    const valid = checked.flatMap(({ item, result }) =>
      result.ok && !mapping.rejected.has(item) ? [result.value] : [],
    );
    if (valid.length > 0) {
      const waitMs = this.limiter.take(tenantId, valid.length);
      if (waitMs > 0) throw new TooManyEvents(waitMs);
      await this.events.publish(tenantId, valid);
    }
    return { ok: true, partial: partialSuccessOf(signal, mapping) };
  }
}
