import {
  createParamDecorator,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tenantForApiKey } from '@wink/persistence';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  tenantId?: string;
}

/**
 * `Authorization: Bearer <api key>` → the key's tenant, put on the request. Lookups are cached
 * for a short time so the hot path does not query Postgres for every batch.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, { tenantId: string; until: number }>();
  private readonly log = new Logger(ApiKeyGuard.name);

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('missing bearer API key');
    const tenantId = await this.lookup(match[1]);
    if (!tenantId) throw new UnauthorizedException('unknown API key');
    request.tenantId = tenantId;
    return true;
  }

  private async lookup(key: string): Promise<string | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.tenantId;
    let tenantId: string | null;
    try {
      tenantId = await tenantForApiKey(this.db, key);
    } catch (error) {
      // Postgres is down: a key seen before keeps working, so ingest goes on accepting into Kafka;
      // a key never seen cannot be checked, which is Wink's problem, not the caller's.
      if (hit) return hit.tenantId;
      this.log.warn({ msg: 'cannot check an API key', error: String(error) });
      throw new HttpException(
        { statusCode: 503, message: 'cannot check the API key right now; retry shortly' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    if (tenantId) {
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { tenantId, until: now + CACHE_TTL_MS });
    }
    return tenantId;
  }
}

/** The tenant id the ApiKeyGuard resolved for this request. */
export const TenantId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<AuthedRequest>().tenantId;
  if (!tenantId) throw new UnauthorizedException('no tenant on request');
  return tenantId;
});
