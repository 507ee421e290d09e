import { Inject, Injectable } from '@nestjs/common';
import { TrajectoryEvent, validate, type FieldError } from '@wink/contracts';
import {
  logsToEvents,
  parseLogsRequest,
  parseTraceRequest,
  partialSuccessOf,
  tracesToEvents,
  type OtlpMapping,
  type PartialSuccess,
  type Signal,
} from '@wink/otlp';
import { EventsService } from '../events/events.service.js';
import { RateLimiter } from '../events/rate-limiter.js';
import { TooManyEvents } from '../events/too-many-events.js';
import { TraceConversations } from './trace-conversations.js';

export type Receipt =
  { ok: true; partial: PartialSuccess | null } | { ok: false; error: FieldError };

/**
 * An OTLP export read into trajectory events and published through ingest's own path (rate
 * limit, redaction, Kafka). A span or record whose events break the contract is rejected on its
 * own (OTLP's partial success); the rest goes on.
 */
@Injectable()
export class OtlpReceiver {
  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(TraceConversations) private readonly conversations: TraceConversations,
  ) {}

  async receive(tenantId: string, signal: Signal, body: unknown): Promise<Receipt> {
    const read = await this.read(tenantId, signal, body);
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

  /** The export checked and read into events; a trace's conversation is shared before publishing. */
  private async read(
    tenantId: string,
    signal: Signal,
    body: unknown,
  ): Promise<{ ok: true; value: OtlpMapping } | { ok: false; error: FieldError }> {
    if (signal === 'logs') {
      const parsed = parseLogsRequest(body);
      return parsed.ok ? { ok: true, value: logsToEvents(parsed.value) } : parsed;
    }
    const parsed = parseTraceRequest(body);
    if (!parsed.ok) return parsed;
    const { memory, save } = await this.conversations.forExport(tenantId, parsed.value);
    const mapping = tracesToEvents(parsed.value, memory);
    await save();
    return { ok: true, value: mapping };
  }
}
