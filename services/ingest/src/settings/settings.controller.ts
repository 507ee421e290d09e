import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Put,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  PolicyOverrides,
  RetentionSetting,
  ThresholdOverrides,
  ToolRegistration,
  WebhookRegistration,
} from '@wink/contracts';
import { ToolSchemas } from '@wink/detectors';
import {
  detectorThresholdsOf,
  policyOf,
  registerToolSchemas,
  retentionDaysOf,
  setDetectorThresholds,
  setPolicy,
  setRetentionDays,
  setWebhook,
  toolSchemasOf,
} from '@wink/persistence';
import {
  ApiKeyGuard,
  RequireScope,
  badField,
  parseOr400,
  TenantId,
  WebhookEgress,
  WebhookRefused,
} from '@wink/platform';

const AgentParams = z.object({ agentName: z.string().min(1).max(128) });

/** What a tenant tells Wink about its agents: their tools' schemas, and detector thresholds. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class SettingsController {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(WebhookEgress) private readonly egress: WebhookEgress,
  ) {}

  @Put('agents/:agentName/tools')
  async registerTools(
    @TenantId() tenantId: string,
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<{ agentName: string; registered: number }> {
    const { agentName } = parseOr400(AgentParams, params);
    const { tools } = parseOr400(ToolRegistration, body);
    tools.forEach((tool, i) => {
      try {
        new ToolSchemas({ [tool.name]: tool.parameters });
      } catch (error) {
        const reason = `is not a valid JSON schema: ${(error as Error).message}`;
        throw badField(`tools[${i}].parameters`, reason);
      }
    });
    await registerToolSchemas(this.db, tenantId, agentName, tools);
    return { agentName, registered: tools.length };
  }

  @Get('agents/:agentName/tools')
  async tools(
    @TenantId() tenantId: string,
    @Param() params: unknown,
  ): Promise<{ tools: Record<string, object> }> {
    const { agentName } = parseOr400(AgentParams, params);
    return { tools: await toolSchemasOf(this.db, tenantId, agentName) };
  }

  @Put('settings/detector-thresholds')
  async setThresholds(
    @TenantId() tenantId: string,
    @Body() body: unknown,
  ): Promise<{ thresholds: ThresholdOverrides }> {
    const thresholds = parseOr400(ThresholdOverrides, body);
    await setDetectorThresholds(this.db, tenantId, thresholds);
    return { thresholds };
  }

  @Get('settings/detector-thresholds')
  async thresholds(@TenantId() tenantId: string): Promise<{ thresholds: Record<string, number> }> {
    return { thresholds: await detectorThresholdsOf(this.db, tenantId) };
  }

  @Put('settings/policy')
  async setPolicy(
    @TenantId() tenantId: string,
    @Body() body: unknown,
  ): Promise<{ policy: PolicyOverrides }> {
    const policy = parseOr400(PolicyOverrides, body);
    await setPolicy(this.db, tenantId, policy);
    return { policy };
  }

  @Get('settings/policy')
  async policy(@TenantId() tenantId: string): Promise<{ policy: Record<string, number> }> {
    return { policy: await policyOf(this.db, tenantId) };
  }

  /** Days of this tenant's events kept (null: the global RETENTION_DAYS); see the README. */
  @Put('settings/retention')
  async setRetention(
    @TenantId() tenantId: string,
    @Body() body: unknown,
  ): Promise<RetentionSetting> {
    const { days } = parseOr400(RetentionSetting, body);
    await setRetentionDays(this.db, tenantId, days);
    return { days };
  }

  @Get('settings/retention')
  async retention(@TenantId() tenantId: string): Promise<RetentionSetting> {
    return { days: await retentionDaysOf(this.db, tenantId) };
  }

  /** Where to push guidance; each delivery is signed with `secret` (see the README). */
  @Put('settings/webhook')
  async setWebhook(@TenantId() tenantId: string, @Body() body: unknown): Promise<{ url: string }> {
    const { url, secret } = parseOr400(WebhookRegistration, body);
    const secrets = this.egress.secrets;
    if (!secrets) throw new ServiceUnavailableException('webhooks are not configured here');
    try {
      this.egress.checkUrl(url);
    } catch (error) {
      if (error instanceof WebhookRefused) throw badField('url', error.message);
      throw error;
    }
    await setWebhook(this.db, tenantId, url, secrets.seal(secret));
    return { url };
  }
}
