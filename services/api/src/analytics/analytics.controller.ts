import { applyDecorators, Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  CATEGORIES,
  MisbehaviourRateQuery,
  RATE_GROUPINGS,
  SUBTYPES,
  TimeRange,
} from '@wink/contracts';
import { ApiKeyGuard, RequireScope, parseOr400, TenantId } from '@wink/platform';
import { AnalyticsQueries } from './analytics.queries.js';

const RangeQueries = () =>
  applyDecorators(
    ApiQuery({
      name: 'from',
      required: false,
      description: 'ISO 8601; default 30 days before `to`',
    }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601; default now' }),
  );

const rangeOf = (query: unknown) => parseOr400(TimeRange, query);

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/analytics')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class AnalyticsController {
  constructor(@Inject(AnalyticsQueries) private readonly queries: AnalyticsQueries) {}

  @Get('misbehaviour-rate')
  @ApiOperation({ summary: 'Share of sessions with at least one verdict, grouped' })
  @RangeQueries()
  @ApiQuery({ name: 'groupBy', required: false, enum: RATE_GROUPINGS })
  @ApiQuery({ name: 'category', required: false, enum: CATEGORIES })
  @ApiQuery({ name: 'subtype', required: false, enum: SUBTYPES })
  @ApiQuery({ name: 'agent', required: false })
  @ApiQuery({ name: 'model', required: false })
  misbehaviourRate(@TenantId() tenantId: string, @Query() query: unknown) {
    const q = parseOr400(MisbehaviourRateQuery, query);
    return this.queries.misbehaviourRate(tenantId, rangeOf({ from: q.from, to: q.to }), q);
  }

  @Get('counts')
  @ApiOperation({ summary: 'Verdicts and guidance (delivered, acknowledged) per subtype' })
  @RangeQueries()
  counts(@TenantId() tenantId: string, @Query() query: unknown) {
    return this.queries.counts(tenantId, rangeOf(query));
  }

  @Get('resolution')
  @ApiOperation({ summary: 'Outcomes per subtype and the single-intervention resolution rate' })
  @RangeQueries()
  resolution(@TenantId() tenantId: string, @Query() query: unknown) {
    return this.queries.resolution(tenantId, rangeOf(query));
  }

  @Get('latency')
  @ApiOperation({
    summary: 'Event-to-guidance, event-to-delivery and delivery-to-ack percentiles (ms)',
  })
  @RangeQueries()
  latency(@TenantId() tenantId: string, @Query() query: unknown) {
    return this.queries.latency(tenantId, rangeOf(query));
  }
}
