import {
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SessionIdParam } from '@wink/contracts';
import { ApiKeyGuard, ApiKeyHash, RequireScope, parseOr400, TenantId } from '@wink/platform';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { GuidanceNotifier } from './guidance-notifier.js';
import { GuidanceRepository, type DeliveredGuidance } from './guidance.repository.js';
import { deliveryToAck, delivered, guidanceToDelivery } from './intervention.metrics.js';

const PollQuery = z.object({ waitMs: z.coerce.number().int().min(0).default(0) });
const AckParams = z.object({ id: z.uuid() });
/** A missed notification costs at most this much extra wait. */
const RECHECK_MS = 1000;
const SSE_HEARTBEAT_MS = 15_000;

function observeDelivery(channel: string, guidance: DeliveredGuidance[]): void {
  const now = Date.now();
  for (const g of guidance)
    guidanceToDelivery.observe({ channel }, (now - Date.parse(g.createdAt)) / 1000);
  delivered.inc({ channel }, guidance.length);
}

@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('ingest')
export class GuidanceController {
  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(GuidanceNotifier) private readonly notifier: GuidanceNotifier,
    @Inject(ApiKeyGuard) private readonly keys: ApiKeyGuard,
  ) {}

  /**
   * Long-poll: the session's guidance not yet given to a poller, at once, or as soon as some is
   * stored within `waitMs`. A `halt` delivered on another channel is returned here too.
   */
  @Get('sessions/:sessionId/guidance')
  async poll(
    @TenantId() tenantId: string,
    @ApiKeyHash() keyHash: string,
    @Param() params: unknown,
    @Query() query: unknown,
  ): Promise<{ guidance: DeliveredGuidance[] }> {
    const { sessionId } = parseOr400(SessionIdParam, params);
    const { waitMs } = parseOr400(PollQuery, query);
    const deadline = Date.now() + Math.min(waitMs, this.config.GUIDANCE_MAX_WAIT_MS);
    const key = `${tenantId}:${sessionId}`;
    let revoked = false;
    let waiter: { cancel: () => void } | null = null;
    const unwatch = this.keys.whenRevoked(keyHash, () => {
      revoked = true;
      waiter?.cancel();
    });
    try {
      for (;;) {
        const next = this.notifier.wait(
          key,
          Math.max(0, Math.min(RECHECK_MS, deadline - Date.now())),
        );
        waiter = next;
        if (revoked) {
          next.cancel();
          throw new UnauthorizedException('the API key was revoked');
        }
        const guidance = await this.repo.claimFor('poll', tenantId, sessionId);
        if (guidance.length > 0 || Date.now() >= deadline) {
          next.cancel();
          observeDelivery('poll', guidance);
          return { guidance };
        }
        await next.done;
      }
    } finally {
      unwatch();
    }
  }

  /** Server-Sent Events: each guidance as a `guidance` event, as soon as it is stored. */
  @Get('sessions/:sessionId/guidance/stream')
  async stream(
    @TenantId() tenantId: string,
    @ApiKeyHash() keyHash: string,
    @Param() params: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { sessionId } = parseOr400(SessionIdParam, params);
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    let open = true;
    let waiter: { cancel: () => void } | null = null;
    const close = () => {
      open = false;
      waiter?.cancel();
    };
    req.on('close', close);
    // A revoked key's stream ends: the host must reconnect with a valid key.
    const unwatch = this.keys.whenRevoked(keyHash, close);
    const key = `${tenantId}:${sessionId}`;
    let lastBeat = Date.now();
    while (open) {
      const next = this.notifier.wait(key, RECHECK_MS);
      waiter = next;
      const guidance = await this.repo.claimFor('sse', tenantId, sessionId);
      for (const g of guidance)
        res.write(`id: ${g.interventionId}\nevent: guidance\ndata: ${JSON.stringify(g)}\n\n`);
      observeDelivery('sse', guidance);
      if (Date.now() - lastBeat > SSE_HEARTBEAT_MS) {
        res.write(': keep-alive\n\n');
        lastBeat = Date.now();
      }
      await next.done;
    }
    unwatch();
    res.end();
  }

  @Post('guidance/:id/ack')
  @HttpCode(200)
  async ack(
    @TenantId() tenantId: string,
    @Param() params: unknown,
  ): Promise<{ interventionId: string; ackedAt: string }> {
    const { id } = parseOr400(AckParams, params);
    const acked = await this.repo.ack(tenantId, id);
    if (!acked) throw new NotFoundException(`no guidance ${id} for this tenant`);
    deliveryToAck.observe(
      Math.max(0, acked.ackedAt.getTime() - acked.deliveredAt.getTime()) / 1000,
    );
    return { interventionId: id, ackedAt: acked.ackedAt.toISOString() };
  }
}
