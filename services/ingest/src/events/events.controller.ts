import { Body, Controller, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { validateEventBatch } from '@wink/contracts/edge-validation.js';
import { ApiKeyGuard, badField, RequireScope, TenantId } from '@wink/platform';
import { EventsService } from './events.service.js';
import { RateLimiter } from './rate-limiter.js';
import { TooManyEvents } from './too-many-events.js';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
@RequireScope('ingest')
export class EventsController {
  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
  ) {}

  /**
   * Accepts 1–1000 TrajectoryEvents; 202 only after Kafka acknowledged every one of them. The
   * acknowledgement is written straight to the response: Nest's response handling and Express's
   * `res.json` (content negotiation, charset, freshness) were a measurable share of a request.
   */
  @Post()
  async accept(
    @TenantId() tenantId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const result = validateEventBatch(body);
    if (!result.ok) throw badField(result.error.field, result.error.message);
    const batch = result.value;
    const waitMs = this.limiter.take(tenantId, batch.events.length);
    if (waitMs > 0) throw new TooManyEvents(waitMs);
    const json = `{"accepted":${await this.events.publish(tenantId, batch.events)}}`;
    res.writeHead(202, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': json.length,
    });
    res.end(json);
  }
}
