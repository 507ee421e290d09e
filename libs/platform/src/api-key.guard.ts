import {
  createParamDecorator,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { loadConfig } from './config.js';
import { grantForKeyHash, hashApiKey, type KeyGrant, type Scope } from '@wink/persistence';
import { WindowLimiter } from './window-limiter.js';
import { ApiKeyCache, KeyCheckUnavailable } from './api-key-cache.js';
import { KeyRevocations } from './key-revocations.js';

const CACHE_TTL_MS = 30_000;
const UNKNOWN_TTL_MS = 10_000;
const CACHE_MAX = 10_000;
/** Unknown keys one client address may present per minute before it is told to wait. */
const UNKNOWN_KEYS_PER_MINUTE = 60;

const SCOPE = Symbol('wink:scope');

export const RequestLimitEnv = z.object({
  /** Requests a tenant may make per second to one instance of a service, any endpoint. */
  TENANT_REQUESTS_PER_SEC: z.coerce.number().int().positive().default(200),
});

/** The scope a handler (or every handler of a controller) needs; `admin` when none is declared. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE, scope);

export interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remoteAddress?: string };
  tenantId?: string;
  apiKeyHash?: string;
  /** The key's grant once checked (before the body was read), so the route's guard reuses it. */
  keyGrant?: KeyGrant;
}

/**
 * `Authorization: Bearer <api key>` → the key's tenant, put on the request, when the key holds
 * the scope the endpoint requires. Answers are cached briefly (unknown keys too); a revoked key
 * is dropped from every instance's cache as soon as Postgres notifies it, and whoever holds a
 * stream open on it is told (`whenRevoked`).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(ApiKeyGuard.name);
  private readonly cache: ApiKeyCache;
  private readonly unknownKeys = new WindowLimiter(UNKNOWN_KEYS_PER_MINUTE, 60_000);
  private readonly tenantRequests = new WindowLimiter(
    loadConfig(RequestLimitEnv).TENANT_REQUESTS_PER_SEC,
    1000,
  );
  private readonly revocations: KeyRevocations;
  private readonly watchers = new Map<string, Set<() => void>>();

  /** The process's guard once its module made one; read by `authenticateBeforeBody`. */
  static current: ApiKeyGuard | null = null;

  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    ApiKeyGuard.current = this;
    this.cache = new ApiKeyCache((hash) => grantForKeyHash(this.db, hash), {
      ttlMs: CACHE_TTL_MS,
      unknownTtlMs: UNKNOWN_TTL_MS,
      max: CACHE_MAX,
    });
    this.revocations = new KeyRevocations(
      String((db.options as { url?: string }).url),
      (hash) => this.revoked(hash),
      () => this.cache.clear(),
    );
  }

  async onModuleInit(): Promise<void> {
    await this.revocations.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.revocations.stop();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const scope =
      this.reflector.getAllAndOverride<Scope | undefined>(SCOPE, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    try {
      await this.authenticate(request, scope);
    } catch (error) {
      if (error instanceof TooManyRequests)
        context
          .switchToHttp()
          .getResponse<{ setHeader(name: string, value: string): void }>()
          .setHeader('Retry-After', retryAfterHeader(error));
      throw error;
    }
    return true;
  }

  /**
   * Puts the tenant on the request, or throws the 401 / 403 / 429 / 503 to answer. Without a
   * scope only the key is checked (before the body is read); the route's guard checks the scope
   * and counts the request against the tenant's rate, reusing that check's grant.
   */
  async authenticate(request: AuthedRequest, scope?: Scope): Promise<void> {
    const grant = request.keyGrant ?? (await this.checkKey(request));
    if (scope && !grant.scopes.includes(scope))
      throw new ForbiddenException(`this API key lacks the \`${scope}\` scope`);
    if (scope) {
      const waitMs = this.tenantRequests.take(grant.tenantId);
      if (waitMs > 0) throw new TooManyRequests(waitMs, 'too many requests for this tenant');
    }
    request.tenantId = grant.tenantId;
  }

  /** The bearer key's grant, put on the request with the key's hash; throws when there is none. */
  private async checkKey(request: AuthedRequest): Promise<KeyGrant> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('missing bearer API key');
    const keyHash = hashApiKey(match[1]);
    let grant;
    try {
      grant = await this.cache.lookup(keyHash);
    } catch (error) {
      if (!(error instanceof KeyCheckUnavailable)) throw error;
      this.log.warn({ msg: 'cannot check an API key', error: error.message });
      throw new HttpException(
        { statusCode: 503, message: 'cannot check the API key right now; retry shortly' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    if (!grant) {
      const waitMs = this.unknownKeys.take(request.ip ?? request.socket?.remoteAddress ?? '?');
      if (waitMs > 0)
        throw new TooManyRequests(waitMs, 'too many unknown API keys from this address');
      throw new UnauthorizedException('unknown API key');
    }
    request.keyGrant = grant;
    request.apiKeyHash = keyHash;
    return grant;
  }

  /** Runs `callback` once if the key with this hash is revoked; returns the unsubscribe. */
  whenRevoked(keyHash: string, callback: () => void): () => void {
    const set = this.watchers.get(keyHash) ?? new Set();
    set.add(callback);
    this.watchers.set(keyHash, set);
    return () => {
      set.delete(callback);
      if (set.size === 0 && this.watchers.get(keyHash) === set) this.watchers.delete(keyHash);
    };
  }

  private revoked(keyHash: string): void {
    this.cache.forget(keyHash);
    const set = this.watchers.get(keyHash);
    this.watchers.delete(keyHash);
    for (const callback of set ?? []) callback();
  }
}

/** A 429 that says, in `Retry-After`, when to try again. */
export class TooManyRequests extends HttpException {
  constructor(
    readonly retryAfterMs: number,
    reason: string,
  ) {
    super({ statusCode: 429, message: `${reason}; retry later` }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** Headers of a 429: when to come back. */
export function retryAfterHeader(error: TooManyRequests): string {
  return String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
}

/** The tenant id the ApiKeyGuard resolved for this request. */
export const TenantId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<AuthedRequest>().tenantId;
  if (!tenantId) throw new UnauthorizedException('no tenant on request');
  return tenantId;
});

/** The hash of the API key the request was authenticated with (to watch for its revocation). */
export const ApiKeyHash = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const keyHash = ctx.switchToHttp().getRequest<AuthedRequest>().apiKeyHash;
  if (!keyHash) throw new UnauthorizedException('no API key on request');
  return keyHash;
});
