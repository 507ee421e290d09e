import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RecentSessionsQuery, SessionIdParam } from '@wink/contracts';
import { ApiKeyGuard, RequireScope, parseOr400, TenantId } from '@wink/platform';
import { z } from 'zod';
import { SessionsRepository, TIMELINE_STEPS } from './sessions.repository.js';

const TimelinePage = z.strictObject({
  afterSeq: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).default(-1),
  limit: z.coerce.number().int().min(1).max(TIMELINE_STEPS).default(TIMELINE_STEPS),
});

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('v1/sessions')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class SessionsController {
  constructor(@Inject(SessionsRepository) private readonly sessions: SessionsRepository) {}

  @Get()
  @ApiOperation({ summary: 'The most recently active sessions' })
  @ApiQuery({ name: 'limit', required: false, description: '1–200, default 20' })
  @ApiQuery({ name: 'flagged', required: false, enum: ['true', 'false'] })
  async recent(@TenantId() tenantId: string, @Query() query: unknown) {
    const { limit, flagged } = parseOr400(RecentSessionsQuery, query);
    return {
      sessions: await this.sessions.recent(
        tenantId,
        limit,
        flagged === undefined ? undefined : flagged === 'true',
      ),
    };
  }

  @Get(':sessionId/timeline')
  @ApiOperation({ summary: 'One session: steps, verdicts, guidance, acknowledgements, outcome' })
  @ApiQuery({ name: 'afterSeq', required: false, description: 'steps after this seq (paging)' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${TIMELINE_STEPS} steps` })
  async timeline(@TenantId() tenantId: string, @Param() params: unknown, @Query() query: unknown) {
    const { sessionId } = parseOr400(SessionIdParam, params);
    const { afterSeq, limit } = parseOr400(TimelinePage, query);
    if (!(await this.sessions.exists(tenantId, sessionId)))
      throw new NotFoundException(`no session ${sessionId}`);
    return this.sessions.timeline(tenantId, sessionId, afterSeq, limit);
  }
}
