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
import { waitingSessions } from './intervention.metrics.js';

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
 * Wakes long-polls and streams when guidance for their session is stored, through Postgres
 * LISTEN/NOTIFY, so that any instance of the service can answer any host and no waiting
 * connection has to query. When the listening connection is lost, every waiter is woken once
 * (a notification may have been missed) and the listener reconnects.
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

  /**
   * Resolves `true` when guidance for `key` is stored (or a notification may have been missed),
   * `false` after `ms` or on `cancel`, whichever comes first.
   */
  wait(key: string, ms: number): { done: Promise<boolean>; cancel: () => void } {
    let wake!: (notified: boolean) => void;
    let timer: NodeJS.Timeout;
    const done = new Promise<boolean>((resolve) => {
      wake = (notified) => {
        clearTimeout(timer);
        this.remove(key, notify);
        resolve(notified);
      };
      timer = setTimeout(() => wake(false), ms);
    });
    const notify = () => wake(true);
    const set = this.waiters.get(key) ?? new Set();
    set.add(notify);
    this.waiters.set(key, set);
    waitingSessions.set(this.waiters.size);
    return { done, cancel: () => wake(false) };
  }

  private remove(key: string, wake: () => void): void {
    const set = this.waiters.get(key);
    if (!set) return;
    set.delete(wake);
    if (set.size === 0) this.waiters.delete(key);
    waitingSessions.set(this.waiters.size);
  }

  private wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
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
    this.wakeAll();
    setTimeout(() => {
      this.listen()
        .then(() => this.wakeAll())
        .catch(() => this.reconnectSoon());
    }, 1000).unref();
  }
}
