import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tracesWithoutConversation, type ConversationMemory, type TraceRequest } from '@wink/otlp';
import { counter, RepeatingJob } from '@wink/platform';
import { RecentConversations, type RecentConversation } from './recent-conversations.js';

/** Traces kept in front of Postgres, per instance. */
const REMEMBERED_TRACES = 50_000;
/** A session id is at most this long, and only the start of a conversation id makes it. */
const KEPT_CHARS = 128;
/** A trace still being exported after this long is rare; rows not seen for as long are pruned. */
const KEPT_DAYS = 7;
const PRUNE_EVERY_MS = 3_600_000;
/** A trace's row has its `seen_at` refreshed at most this often (by each instance exporting it). */
const REFRESH_AFTER_MS = 86_400_000;
/** The longest an export waits on the shared map before going on without it. */
const WAIT_MS = 1_000;
/** While the shared map fails, one export in this long tries it again; the others skip it. */
const RETRY_MS = 5_000;

const failures = counter(
  'wink_otlp_trace_map_failures_total',
  'Reads and writes of otlp_trace_sessions that failed or timed out (the export went on without)',
  ['operation'],
);

/** The conversation memory of one export, and how to share what it learnt. */
export interface ExportMemory {
  memory: ConversationMemory;
  /** Stores the traces this export named (or refreshes old rows); never throws. */
  save(): Promise<void>;
}

const stale = (entry: RecentConversation) => Date.now() - entry.storedAt > REFRESH_AFTER_MS;

/**
 * Trace → conversation, shared by every ingest instance through `otlp_trace_sessions`, with a
 * bounded cache of recent traces in front. One export costs at most one read (its traces that no
 * span names a conversation for and the cache does not know) and one write (the traces it names
 * for the first time, or whose row it last stored a day ago). The shared map is best effort:
 * while Postgres is down or slow an export goes on with this instance's cache (an unknown trace's
 * events get `trace-<traceId>` as their session) and is published all the same.
 */
@Injectable()
export class TraceConversations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(TraceConversations.name);
  private readonly recent = new RecentConversations(REMEMBERED_TRACES);
  private readonly prune: RepeatingJob;
  private failingSince: number | null = null;
  private lastTry = 0;

  constructor(@Inject(DataSource) private readonly db: DataSource) {
    this.prune = new RepeatingJob(
      () => this.pruneOld(),
      PRUNE_EVERY_MS,
      (error) => this.log.warn({ msg: 'pruning otlp_trace_sessions failed', error: String(error) }),
    );
  }

  onApplicationBootstrap(): void {
    this.prune.start(0);
  }

  onApplicationShutdown(): void {
    this.prune.stop();
  }

  async forExport(tenantId: string, request: TraceRequest): Promise<ExportMemory> {
    const key = (traceId: string) => `${tenantId}\u0000${traceId}`;
    const unnamed = tracesWithoutConversation(request);
    const unknown = unnamed.filter((t) => this.recent.get(key(t)) === undefined);
    if (unknown.length > 0) {
      const rows = await this.shared<
        Array<{ trace_id: string; conversation_id: string; seen_at: Date }>
      >('read', () =>
        this.db.query(
          `SELECT trace_id, conversation_id, seen_at FROM otlp_trace_sessions
              WHERE tenant_id = $1 AND trace_id = ANY($2::text[])`,
          [tenantId, unknown],
        ),
      );
      for (const r of rows ?? []) {
        this.recent.set(key(r.trace_id), {
          conversationId: r.conversation_id,
          storedAt: new Date(r.seen_at).getTime(),
        });
      }
    }
    const toStore = new Map<string, string>();
    for (const t of unnamed) {
      const known = this.recent.get(key(t));
      if (known && stale(known)) toStore.set(t, known.conversationId);
    }
    const memory: ConversationMemory = {
      get: (traceId) => this.recent.get(key(traceId))?.conversationId,
      set: (traceId, conversationId) => {
        const kept = conversationId.slice(0, KEPT_CHARS);
        const known = this.recent.get(key(traceId));
        const same = known?.conversationId === kept;
        const entry = { conversationId: kept, storedAt: same ? known.storedAt : 0 };
        if (stale(entry)) toStore.set(traceId, kept);
        this.recent.set(key(traceId), entry);
      },
    };
    const save = async () => {
      if (toStore.size === 0) return;
      // The first conversation stored for a trace stays; a later write only refreshes seen_at.
      const stored = await this.shared('write', () =>
        this.db.query(
          `INSERT INTO otlp_trace_sessions (tenant_id, trace_id, conversation_id)
           SELECT $1, t, c FROM unnest($2::text[], $3::text[]) AS n(t, c)
           ON CONFLICT (tenant_id, trace_id) DO UPDATE SET seen_at = now()
            WHERE otlp_trace_sessions.seen_at < now() - interval '1 day'`,
          [tenantId, [...toStore.keys()], [...toStore.values()]],
        ),
      );
      // Not stored: storedAt stays 0, so the trace's next export here writes it again.
      if (stored === undefined) return;
      const now = Date.now();
      for (const t of toStore.keys()) {
        const entry = this.recent.get(key(t));
        if (entry) entry.storedAt = now;
      }
    };
    return { memory, save };
  }

  /**
   * A query on the shared map, waited on at most WAIT_MS: undefined when Postgres did not answer
   * (or is known to be failing and was tried less than RETRY_MS ago). An outage is logged once
   * when it starts and once when it ends.
   */
  private async shared<T>(
    operation: 'read' | 'write',
    query: () => Promise<T>,
  ): Promise<T | undefined> {
    const now = Date.now();
    if (this.failingSince !== null && now - this.lastTry < RETRY_MS) {
      failures.inc({ operation });
      return undefined;
    }
    this.lastTry = now;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${WAIT_MS} ms`)), WAIT_MS);
    });
    try {
      const result = await Promise.race([query(), timeout]);
      if (this.failingSince !== null) {
        this.log.log({
          msg: 'otlp_trace_sessions reachable again',
          unavailableMs: Date.now() - this.failingSince,
        });
        this.failingSince = null;
      }
      return result;
    } catch (error) {
      failures.inc({ operation });
      if (this.failingSince === null) {
        this.failingSince = now;
        this.log.warn({
          msg: 'otlp_trace_sessions unavailable: OTLP exports go on with this instance’s cache of traces',
          operation,
          error: String(error),
        });
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every instance prunes hourly; the deletes are idempotent. */
  private async pruneOld(): Promise<void> {
    await this.db.query(
      `DELETE FROM otlp_trace_sessions WHERE seen_at < now() - make_interval(days => $1)`,
      [KEPT_DAYS],
    );
  }
}
