/** A trace's conversation as this instance knows it, and when it was last stored for the trace. */
export interface RecentConversation {
  conversationId: string;
  /** Epoch ms the shared row was last written or read as seen (0: not known to be stored). */
  storedAt: number;
}

/**
 * Trace → conversation for the traces this instance saw lately, least recently set forgotten
 * first: the cache in front of the shared `otlp_trace_sessions` (see TraceConversations).
 */
export class RecentConversations {
  private readonly byTrace = new Map<string, RecentConversation>();

  constructor(private readonly capacity: number) {}

  get(traceId: string): RecentConversation | undefined {
    return this.byTrace.get(traceId);
  }

  set(traceId: string, entry: RecentConversation): void {
    this.byTrace.delete(traceId);
    this.byTrace.set(traceId, entry);
    if (this.byTrace.size > this.capacity) this.byTrace.delete(this.byTrace.keys().next().value!);
  }
}
