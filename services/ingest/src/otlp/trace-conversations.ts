import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tracesWithoutConversation, type ConversationMemory, type TraceRequest } from '@wink/otlp';
import { RecentConversations } from './recent-conversations.js';

/** Traces kept in front of Postgres, per instance. */
const REMEMBERED_TRACES = 50_000;
/** A session id is at most this long, and only the start of a conversation id makes it. */
const KEPT_CHARS = 128;
/** A trace still being exported after this long is rare; older rows are pruned. */
const KEPT_DAYS = 7;
const PRUNE_EVERY_MS = 3_600_000;

/** The conversation memory of one export, and how to share what it learnt. */
export interface ExportMemory {
  memory: ConversationMemory;
  /** Stores the traces this export named a conversation for first (as far as this instance knows). */
  save(): Promise<void>;
}

/**
 * Trace → conversation, shared by every ingest instance through `otlp_trace_sessions`, with a
 * bounded cache of recent traces in front. One export costs at most one read (its traces that no
 * span names a conversation for and the cache does not know) and one write (the traces it names
 * for the first time). Rows are kept KEPT_DAYS.
 */
@Injectable()
export class TraceConversations {
  private readonly recent = new RecentConversations(REMEMBERED_TRACES);
  private prunedAt = 0;

  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async forExport(tenantId: string, request: TraceRequest): Promise<ExportMemory> {
    const key = (traceId: string) => `${tenantId}\u0000${traceId}`;
    const unknown = tracesWithoutConversation(request).filter(
      (t) => this.recent.get(key(t)) === undefined,
    );
    if (unknown.length > 0) {
      const rows: Array<{ trace_id: string; conversation_id: string }> = await this.db.query(
        `SELECT trace_id, conversation_id FROM otlp_trace_sessions
          WHERE tenant_id = $1 AND trace_id = ANY($2::text[])`,
        [tenantId, unknown],
      );
      for (const r of rows) this.recent.set(key(r.trace_id), r.conversation_id);
    }
    const named = new Map<string, string>();
    const memory: ConversationMemory = {
      get: (traceId) => this.recent.get(key(traceId)),
      set: (traceId, conversationId) => {
        const kept = conversationId.slice(0, KEPT_CHARS);
        if (this.recent.get(key(traceId)) !== kept) named.set(traceId, kept);
        this.recent.set(key(traceId), kept);
      },
    };
    const save = async () => {
      if (named.size === 0) return;
      await this.db.query(
        `INSERT INTO otlp_trace_sessions (tenant_id, trace_id, conversation_id)
         SELECT $1, t, c FROM unnest($2::text[], $3::text[]) AS n(t, c)
         ON CONFLICT (tenant_id, trace_id) DO NOTHING`,
        [tenantId, [...named.keys()], [...named.values()]],
      );
      await this.pruneNowAndThen();
    };
    return { memory, save };
  }

  /** Every instance prunes at most hourly, when it writes; the deletes are idempotent. */
  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = Date.now();
    await this.db.query(
      `DELETE FROM otlp_trace_sessions WHERE seen_at < now() - make_interval(days => $1)`,
      [KEPT_DAYS],
    );
  }
}
