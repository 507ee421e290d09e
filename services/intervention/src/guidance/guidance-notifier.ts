import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import pg from 'pg';
import { INTERVENTION_CONFIG } from '../tokens.js';
import type { InterventionConfig } from '../config.js';
import { GUIDANCE_CHANNEL } from './guidance.repository.js';

/** A notification names one `tenant:session` or, from a batch, a JSON array of them. */
export function sessionKeysOf(payload: string | undefined): string[] {
  if (!payload) return [];
  if (!payload.startsWith('[')) return [payload];
  try {
    const keys: unknown = JSON.parse(payload);
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Wakes long-polls when guidance for their session is stored, through Postgres LISTEN/NOTIFY,
 * so that any instance of the service can answer any host. Waits are bounded by the caller, so a
 * lost notification costs at most one poll interval.
 */
@Injectable()
export class GuidanceNotifier implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(GuidanceNotifier.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private client: pg.Client | null = null;
  private closing = false;

  constructor(@Inject(INTERVENTION_CONFIG) private readonly config: InterventionConfig) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }

  /** Resolves when guidance for `key` is stored or after `ms`, whichever comes first. */
  wait(key: string, ms: number): { done: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    let timer: NodeJS.Timeout;
    const done = new Promise<void>((resolve) => {
      wake = () => {
        clearTimeout(timer);
        this.waiters.get(key)?.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, ms);
    });
    const set = this.waiters.get(key) ?? new Set();
    set.add(wake);
    this.waiters.set(key, set);
    return { done, cancel: wake };
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', (n) => {
      for (const key of sessionKeysOf(n.payload)) {
        const set = this.waiters.get(key);
        if (set) for (const wake of [...set]) wake();
      }
    });
    client.on('error', (error) => {
      this.log.warn({ msg: 'guidance listener lost its connection', error: String(error) });
      this.reconnectSoon();
    });
    await client.connect();
    await client.query(`LISTEN ${GUIDANCE_CHANNEL}`);
    this.client = client;
  }

  private reconnectSoon(): void {
    if (this.closing) return;
    this.client = null;
    setTimeout(() => {
      this.listen().catch(() => this.reconnectSoon());
    }, 1000).unref();
  }
}
