import {
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
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
import { ConnectionSlots } from './connection-slots.js';
import { GuidanceClaims } from './guidance-claims.js';
import { GuidanceNotifier } from './guidance-notifier.js';
import { GuidanceRepository, type DeliveredGuidance } from './guidance.repository.js';
import {
  claimsMade,
  deliveryToAck,
  delivered,
  guidanceToDelivery,
  refusedConnections,
} from './intervention.metrics.js';

const PollQuery = z.object({ waitMs: z.coerce.number().int().min(0).default(0) });
const AckParams = z.object({ id: z.uuid() });
const SSE_HEARTBEAT_MS = 15_000;
/** What a refused long-poll or stream is told to wait before trying again. */
const RETRY_AFTER_S = 5;

function observeDelivery(channel: string, guidance: DeliveredGuidance[]): void {
  const now = Date.now();
  for (const g of guidance)
    guidanceToDelivery.observe({ channel }, (now - Date.parse(g.createdAt)) / 1000);
  delivered.inc({ channel }, guidance.length);
}

/**
 * The host-facing channels. A waiting long-poll or stream queries Postgres when it opens and
 * when a notification for its session arrives (or, should one be lost, after
 * GUIDANCE_RECHECK_MS), never on a timer of its own; each tenant holds a bounded share of them.
 */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('ingest')
export class GuidanceController {
  private readonly polls: ConnectionSlots;
  private readonly streams: ConnectionSlots;

  constructor(
    @Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig,
    @Inject(GuidanceRepository) private readonly repo: GuidanceRepository,
    @Inject(GuidanceClaims) private readonly claims: GuidanceClaims,
    @Inject(GuidanceNotifier) private readonly notifier: GuidanceNotifier,
    @Inject(ApiKeyGuard) private readonly keys: ApiKeyGuard,
  ) {
    this.polls = new ConnectionSlots(config.GUIDANCE_MAX_POLLS_PER_TENANT);
    this.streams = new ConnectionSlots(config.GUIDANCE_MAX_STREAMS_PER_TENANT);
  }

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
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ guidance: DeliveredGuidance[] }> {
    const { sessionId } = parseOr400(SessionIdParam, params);
    const { waitMs } = parseOr400(PollQuery, query);
    const release = this.slot(this.polls, 'poll', tenantId, res);
    const deadline = Date.now() + Math.min(waitMs, this.config.GUIDANCE_MAX_WAIT_MS);
    const key = `${tenantId}:${sessionId}`;
    let revoked = false;
    let checked = false;
    let waiter: { cancel: () => void } | null = null;
    const unwatch = this.keys.whenRevoked(keyHash, () => {
      revoked = true;
      waiter?.cancel();
    });
    try {
      for (;;) {
        const next = this.notifier.wait(
          key,
          Math.max(0, Math.min(this.config.GUIDANCE_RECHECK_MS, deadline - Date.now())),
        );
        waiter = next;
        if (revoked) {
          next.cancel();
          throw new UnauthorizedException('the API key was revoked');
        }
        const guidance = checked ? [] : await this.claim('poll', tenantId, sessionId);
        if (guidance.length > 0 || Date.now() >= deadline) {
          next.cancel();
          observeDelivery('poll', guidance);
          return { guidance };
        }
        // Woken by the clock at the deadline: nothing was stored, so no query is needed.
        checked = !(await next.done) && Date.now() >= deadline;
      }
    } finally {
      unwatch();
      release();
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
    const release = this.slot(this.streams, 'sse', tenantId, res);
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
    let lastCheck = 0;
    let notified = true;
    try {
      while (open) {
        // Registered before the query, so guidance stored meanwhile still wakes the next turn.
        const next = this.notifier.wait(
          key,
          Math.min(SSE_HEARTBEAT_MS, this.config.GUIDANCE_RECHECK_MS),
        );
        waiter = next;
        if (notified || Date.now() - lastCheck >= this.config.GUIDANCE_RECHECK_MS) {
          lastCheck = Date.now();
          const guidance = await this.claim('sse', tenantId, sessionId);
          for (const g of guidance)
            res.write(`id: ${g.interventionId}\nevent: guidance\ndata: ${JSON.stringify(g)}\n\n`);
          observeDelivery('sse', guidance);
        }
        if (Date.now() - lastBeat >= SSE_HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          lastBeat = Date.now();
        }
        notified = await next.done;
      }
    } finally {
      unwatch();
      release();
      res.end();
    }
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

  private claim(channel: 'poll' | 'sse', tenantId: string, sessionId: string) {
    claimsMade.inc({ channel });
    return this.claims.claim(channel, tenantId, sessionId);
  }

  /** One of the tenant's slots, or a 429 with Retry-After when it holds its share. */
  private slot(slots: ConnectionSlots, channel: string, tenantId: string, res: Response) {
    const release = slots.acquire(tenantId);
    if (release) return release;
    refusedConnections.inc({ channel });
    res.setHeader('Retry-After', String(RETRY_AFTER_S));
    throw new HttpException(
      {
        statusCode: 429,
        message: `this tenant already has its share of open ${channel === 'sse' ? 'streams' : 'long-polls'}; retry later`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
