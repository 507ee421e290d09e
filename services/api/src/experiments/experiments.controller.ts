import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ExperimentIdParam, ExperimentRequest } from '@wink/contracts';
import { ApiKeyGuard, RequireScope, parseOr400, TenantId } from '@wink/platform';
import { experimentResults } from './experiment-results.js';
import { ExperimentsRepository } from './experiments.repository.js';

@ApiTags('experiments')
@ApiBearerAuth()
@Controller('v1/experiments')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class ExperimentsController {
  constructor(@Inject(ExperimentsRepository) private readonly experiments: ExperimentsRepository) {}

  @Post()
  @RequireScope('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start an A/B experiment: control sessions get verdicts but no guidance',
  })
  @ApiBody({ schema: z.toJSONSchema(ExperimentRequest) as Record<string, unknown> })
  async start(@TenantId() tenantId: string, @Body() body: unknown) {
    const started = await this.experiments.start(tenantId, parseOr400(ExperimentRequest, body));
    if (!started) throw new ConflictException('an experiment is already running; stop it first');
    return started;
  }

  @Get()
  @ApiOperation({ summary: "The tenant's experiments, newest first" })
  async list(@TenantId() tenantId: string) {
    return { experiments: await this.experiments.list(tenantId) };
  }

  @Post(':experimentId/stop')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a running experiment: every session gets guidance again' })
  async stop(@TenantId() tenantId: string, @Param() params: unknown) {
    const { experimentId } = parseOr400(ExperimentIdParam, params);
    const stopped = await this.experiments.stop(tenantId, experimentId);
    if (!stopped) throw new NotFoundException(`no running experiment ${experimentId}`);
    return stopped;
  }

  @Get(':experimentId/results')
  @ApiOperation({
    summary: 'Per cohort: tool-call failures, tokens and engineer interventions per session',
  })
  async results(@TenantId() tenantId: string, @Param() params: unknown) {
    const { experimentId } = parseOr400(ExperimentIdParam, params);
    const experiment = await this.experiments.find(tenantId, experimentId);
    if (!experiment) throw new NotFoundException(`no experiment ${experimentId}`);
    return experimentResults(
      experiment,
      await this.experiments.cohortSamples(tenantId, experimentId),
    );
  }
}
