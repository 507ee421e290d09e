import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ClientId, MAX_EVENTS_PER_BATCH, TrajectoryEvent } from '@wink/contracts';
import { FORMATS, importData } from '@wink/importers';
import { ApiKeyGuard, RequireScope, badField, parseOr400, TenantId } from '@wink/platform';
import { EventsService } from '../events/events.service.js';

const TrajectoryImport = z.strictObject({
  format: z.enum(FORMATS),
  // Shorter than any id, so the event ids made from it fit too.
  sessionId: ClientId.max(100),
  data: z.unknown(),
});

/**
 * A whole trajectory in one of the importers' formats, for hosts that keep their own transcript
 * (an OpenAI message list, a Claude Code transcript…): converted, validated as events, published.
 */
@Controller('v1/trajectories')
@UseGuards(ApiKeyGuard)
@RequireScope('ingest')
export class TrajectoriesController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  async import(
    @TenantId() tenantId: string,
    @Body() body: unknown,
  ): Promise<{ accepted: number; sessionId: string }> {
    const { format, sessionId, data } = parseOr400(TrajectoryImport, body);
    let events: unknown[];
    try {
      events = importData(format, data, sessionId);
    } catch (error) {
      throw badField('data', `cannot be read as ${format}: ${(error as Error).message}`);
    }
    if (events.length === 0 || events.length > MAX_EVENTS_PER_BATCH) {
      throw badField(
        'data',
        `must hold 1 to ${MAX_EVENTS_PER_BATCH} events, holds ${events.length}`,
      );
    }
    const valid = parseOr400(z.array(TrajectoryEvent), events);
    return { accepted: await this.events.publish(tenantId, valid), sessionId };
  }
}
