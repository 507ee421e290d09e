import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { z } from 'zod';
import { ApiKeyGuard, parseOr400, TenantId } from '@wink/platform';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { GuidanceNotifier } from './guidance-notifier.js';
import { GuidanceRepository, type DeliveredGuidance } from './guidance.repository.js';

const SessionParams = z.object({
  sessionId: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:@/-]+$/, 'has characters a session id cannot have'),
});
const PollQuery = z.object({ waitMs: z.coerce.number().int().min(0).default(0) });
const AckParams = z.object({ id: z.uuid() });
/** A missed notification costs at most this much extra wait. */
const RECHECK_MS = 1000;

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class GuidanceController {
  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(GuidanceNotifier) private readonly notifier: GuidanceNotifier,
  ) {}

  /**
   * Long-poll: returns the session's undelivered guidance at once, or waits up to `waitMs` for
   * some, and marks what it returns delivered.
   */
  @Get('sessions/:sessionId/guidance')
  async poll(
    @TenantId() tenantId: string,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<{ guidance: DeliveredGuidance[] }> {
    const { sessionId } = parseOr400(SessionParams, params);
    const { waitMs } = parseOr400(PollQuery, query);
    const deadline = Date.now() + Math.min(waitMs, this.config.GUIDANCE_MAX_WAIT_MS);
    const key = `${tenantId}:${sessionId}`;
    for (;;) {
      const waiter = this.notifier.wait(
        key,
        Math.max(0, Math.min(RECHECK_MS, deadline - Date.now())),
      );
      const guidance = await this.repo.claimPending(tenantId, sessionId);
      if (guidance.length > 0 || Date.now() >= deadline) {
        waiter.cancel();
        return { guidance };
      }
      await waiter.done;
    }
  }

  @Post('guidance/:id/ack')
  @HttpCode(200)
  async ack(
    @TenantId() tenantId: string,
    @Param() params: unknown,
  ): Promise<{ interventionId: string; ackedAt: string }> {
    const { id } = parseOr400(AckParams, params);
    const ackedAt = await this.repo.ack(tenantId, id);
    if (!ackedAt) throw new NotFoundException(`no guidance ${id} for this tenant`);
    return { interventionId: id, ackedAt: ackedAt.toISOString() };
  }
}
