import { Global, Logger, Module } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP, type BlockList } from 'node:net';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { addressPermitted, parseCidrs } from './address-rules.js';
import { SecretBox } from './secret-box.js';

export const WebhookEgressEnv = z.object({
  /** `dev` lets webhooks use plain http and, without WEBHOOK_SECRET_KEY, a fixed dev key. */
  WINK_ENV: z.enum(['production', 'dev']).default('production'),
  /** Internal ranges webhooks may reach anyway (e.g. `10.20.0.0/16,127.0.0.1/32`). */
  WEBHOOK_ALLOW_CIDRS: z.string().default(''),
  /** 32 bytes, base64: encrypts webhook secrets at rest. Webhooks are refused without it. */
  WEBHOOK_SECRET_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64')
      .optional(),
  ),
});
export type WebhookEgressConfig = z.infer<typeof WebhookEgressEnv>;

/** A webhook Wink will not call, with a reason fit to show the tenant (no internals). */
export class WebhookRefused extends Error {}

export interface WebhookTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

const LOCAL_NAMES = /^(localhost|.*\.localhost|localhost\.localdomain)$/i;

/**
 * Where webhooks may go and how their secrets are kept. Registration checks the URL; each
 * delivery resolves the host again and pins the address it checked, so a name that later
 * resolves inside (DNS rebinding) is refused too.
 */
export class WebhookEgress {
  private readonly log = new Logger(WebhookEgress.name);
  readonly config: WebhookEgressConfig;
  private readonly allowed: BlockList;
  /** Null when no key is configured outside dev: webhooks cannot be registered or sent. */
  readonly secrets: SecretBox | null;

  constructor(config: WebhookEgressConfig) {
    this.config = config;
    this.allowed = parseCidrs(config.WEBHOOK_ALLOW_CIDRS);
    const key = config.WEBHOOK_SECRET_KEY
      ? Buffer.from(config.WEBHOOK_SECRET_KEY, 'base64')
      : config.WINK_ENV === 'dev'
        ? createHash('sha256').update('wink dev webhook secret key (not secret)').digest()
        : null;
    this.secrets = key ? new SecretBox(key) : null;
    if (!config.WEBHOOK_SECRET_KEY)
      this.log.warn({
        msg:
          config.WINK_ENV === 'dev'
            ? 'WEBHOOK_SECRET_KEY is not set: webhook secrets use the dev key'
            : 'WEBHOOK_SECRET_KEY is not set: webhooks are disabled',
      });
  }

  /** Throws WebhookRefused when the URL itself names a place webhooks may not go. */
  checkUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WebhookRefused('is not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.config.WINK_ENV === 'dev'))
      throw new WebhookRefused('must use https');
    if (url.username || url.password) throw new WebhookRefused('must not carry credentials');
    const host = hostOf(url);
    const literal = isIP(host) ? host : LOCAL_NAMES.test(host) ? '127.0.0.1' : null;
    if (literal && !addressPermitted(literal, this.allowed))
      throw new WebhookRefused('points at an internal address');
    return url;
  }

  /** Resolves the host and returns the address to connect to; every address must be allowed. */
  async resolve(raw: string): Promise<WebhookTarget> {
    const url = this.checkUrl(raw);
    const host = hostOf(url);
    const addresses = isIP(host)
      ? [{ address: host, family: isIP(host) as 4 | 6 }]
      : await lookup(host, { all: true, verbatim: true }).catch(() => {
          throw new WebhookRefused(`cannot resolve ${host}`);
        });
    if (addresses.length === 0) throw new WebhookRefused(`cannot resolve ${host}`);
    if (!addresses.every((a) => addressPermitted(a.address, this.allowed)))
      throw new WebhookRefused(`${host} resolves to an internal address`);
    return { url, address: addresses[0].address, family: addresses[0].family as 4 | 6 };
  }
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

@Global()
@Module({
  providers: [
    { provide: WebhookEgress, useFactory: () => new WebhookEgress(loadConfig(WebhookEgressEnv)) },
  ],
  exports: [WebhookEgress],
})
export class WebhookEgressModule {}
