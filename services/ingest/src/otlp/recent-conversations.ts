import type { ConversationMemory } from '@wink/otlp';

/**
 * Trace → conversation id for the traces this instance saw lately, least recently set forgotten
 * first: the cache in front of the shared `otlp_trace_sessions` (see TraceConversations).
 */
export class RecentConversations implements ConversationMemory {
  private readonly byTrace = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(traceId: string): string | undefined {
    return this.byTrace.get(traceId);
  }

  set(traceId: string, conversationId: string): void {
    this.byTrace.delete(traceId);
    this.byTrace.set(traceId, conversationId);
    if (this.byTrace.size > this.capacity) this.byTrace.delete(this.byTrace.keys().next().value!);
  }
}
