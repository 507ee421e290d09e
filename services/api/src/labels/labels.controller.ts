import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { once } from 'node:events';
import { z } from 'zod';
import {
  SessionIdParam,
  SessionLabelRequest,
  VerdictIdParam,
  VerdictLabelRequest,
} from '@wink/contracts';
import { ApiKeyGuard, RequireScope, parseOr400, TenantId } from '@wink/platform';
import { LabelsRepository } from './labels.repository.js';

const schemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

@ApiTags('labels')
@ApiBearerAuth()
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class LabelsController {
  constructor(@Inject(LabelsRepository) private readonly labels: LabelsRepository) {}

  @Post('verdicts/:verdictId/labels')
  @HttpCode(201)
  @ApiOperation({ summary: 'Label a verdict a true or false positive' })
  @ApiBody({ schema: schemaOf(VerdictLabelRequest) })
  async labelVerdict(
    @TenantId() tenantId: string,
    @Param() params: unknown,
    @Body() body: unknown,
  ) {
    const { verdictId } = parseOr400(VerdictIdParam, params);
    const label = await this.labels.labelVerdict(
      tenantId,
      verdictId,
      parseOr400(VerdictLabelRequest, body),
    );
    if (!label) throw new NotFoundException(`no verdict ${verdictId}`);
    return label;
  }

  @Post('sessions/:sessionId/labels')
  @HttpCode(201)
  @ApiOperation({ summary: 'Label a session misbehaved (with its category / subtype) or clean' })
  @ApiBody({ schema: schemaOf(SessionLabelRequest) })
  async labelSession(
    @TenantId() tenantId: string,
    @Param() params: unknown,
    @Body() body: unknown,
  ) {
    const { sessionId } = parseOr400(SessionIdParam, params);
    const label = await this.labels.labelSession(
      tenantId,
      sessionId,
      parseOr400(SessionLabelRequest, body),
    );
    if (!label) throw new NotFoundException(`no session ${sessionId}`);
    return label;
  }

  @Get('sessions/:sessionId/labels')
  @ApiOperation({ summary: "A session's labels" })
  async ofSession(@TenantId() tenantId: string, @Param() params: unknown) {
    const { sessionId } = parseOr400(SessionIdParam, params);
    return { labels: await this.labels.ofSession(tenantId, sessionId) };
  }

  @Get('labels/precision')
  @ApiOperation({ summary: "Each detector's precision on labelled verdicts" })
  async precision(@TenantId() tenantId: string) {
    return { detectors: await this.labels.precision(tenantId) };
  }

  @Get('labels/export')
  @ApiOperation({ summary: 'Labelled sessions as the JSONL `wink eval` reads' })
  async export(@TenantId() tenantId: string, @Res() res: Response): Promise<void> {
    res.status(200).type('application/x-ndjson');
    for await (const piece of this.labels.export(tenantId)) {
      if (res.destroyed) return;
      // Backpressure: a slow reader holds the export, never Wink's memory.
      if (!res.write(piece)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  }
}
