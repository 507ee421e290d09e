import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { outcomesBySubtype, type SubtypeOutcomes } from '@wink/persistence';
import { ApiKeyGuard, RequireScope, TenantId } from '@wink/platform';

@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class OutcomesController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** The tenant's interventions by outcome, per subtype, with the paper's headline metric. */
  @Get('outcomes')
  async outcomes(@TenantId() tenantId: string): Promise<{ bySubtype: SubtypeOutcomes[] }> {
    return { bySubtype: await outcomesBySubtype(this.db, tenantId) };
  }
}
