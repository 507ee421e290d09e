import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Post,
  UseGuards,
} from '@nestjs/common';
import { EventBatch, validate } from '@wink/contracts';
import { ApiKeyGuard, TenantId } from '@wink/platform';
import { EventsService } from './events.service.js';

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  /** Accepts 1–1000 TrajectoryEvents; 202 only after Kafka acknowledged every one of them. */
  @Post()
  @HttpCode(202)
  async accept(@TenantId() tenantId: string, @Body() body: unknown): Promise<{ accepted: number }> {
    const batch = validate(EventBatch, body);
    if (!batch.ok) {
      throw new BadRequestException({
        statusCode: 400,
        error: 'invalid_field',
        field: batch.error.field,
        message: `${batch.error.field}: ${batch.error.message}`,
      });
    }
    return { accepted: await this.events.publish(tenantId, batch.value.events) };
  }
}
