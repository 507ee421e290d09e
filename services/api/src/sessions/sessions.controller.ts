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
import { SessionsRepository } from './sessions.repository.js';

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
  async timeline(@TenantId() tenantId: string, @Param() params: unknown) {
    const { sessionId } = parseOr400(SessionIdParam, params);
    if (!(await this.sessions.exists(tenantId, sessionId)))
      throw new NotFoundException(`no session ${sessionId}`);
    return this.sessions.timeline(tenantId, sessionId);
  }
}
