import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  apiKeyPrefix,
  issueTenantKey,
  listTenantKeys,
  revokeTenantKeys,
  SCOPES,
} from '@wink/persistence';
import { ApiKeyGuard, parseOr400, RequireScope, TenantId } from '@wink/platform';

const KeyRequest = z.strictObject({ scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length) });
const PrefixParam = z.object({ prefix: z.string().regex(/^wink_[A-Za-z0-9_-]{6}$/) });

/** The tenant's own API keys: issue one with chosen scopes, list them, revoke by prefix. */
@ApiTags('keys')
@ApiBearerAuth()
@Controller('v1/keys')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class KeysController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: "The tenant's keys: prefix, scopes, when issued and revoked" })
  async list(@TenantId() tenantId: string) {
    return { keys: await listTenantKeys(this.db, tenantId) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a key with the given scopes; the key is shown only here' })
  async issue(@TenantId() tenantId: string, @Body() body: unknown) {
    const { scopes } = parseOr400(KeyRequest, body);
    const apiKey = await issueTenantKey(this.db, tenantId, scopes);
    return { apiKey, prefix: apiKeyPrefix(apiKey), scopes: [...new Set(scopes)] };
  }

  @Post(':prefix/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the keys with this prefix; every instance stops them at once' })
  async revoke(@TenantId() tenantId: string, @Param() params: unknown) {
    const { prefix } = parseOr400(PrefixParam, params);
    return { revoked: await revokeTenantKeys(this.db, tenantId, prefix) };
  }
}
