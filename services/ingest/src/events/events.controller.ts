import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { EventBatch } from '@wink/contracts';
import { ApiKeyGuard, parseOr400, TenantId } from '@wink/platform';
import { EventsService } from './events.service.js';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  /** Accepts 1–1000 TrajectoryEvents; 202 only after Kafka acknowledged every one of them. */
  @Post()
  @HttpCode(202)
  async accept(@TenantId() tenantId: string, @Body() body: unknown): Promise<{ accepted: number }> {
    const batch = parseOr400(EventBatch, body);
    return { accepted: await this.events.publish(tenantId, batch.events) };
  }
}
