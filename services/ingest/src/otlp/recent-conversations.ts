import type { ConversationMemory } from '@wink/otlp';

/**
 * Trace id → conversation id for the traces this instance saw lately, least recently set
 * forgotten first: lets a trace's later spans join the conversation named by an earlier one.
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
