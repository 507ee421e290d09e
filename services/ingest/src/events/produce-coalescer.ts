interface Waiting<M> {
  messages: M[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Sends the batches of concurrent requests together: while one produce is in flight, batches
 * that arrive wait and go out as the next single produce, in arrival order. No timer, so an idle
 * ingest adds no latency; under load each produce carries many requests' events, which is what
 * an idempotent producer (one request in flight per broker) needs to keep up. Each caller
 * resolves once the produce carrying its batch was acknowledged, and fails with it.
 */
export class ProduceCoalescer<M> {
  private waiting: Waiting<M>[] = [];
  private sending = false;

  constructor(private readonly send: (messages: M[]) => Promise<void>) {}

  submit(messages: M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ messages, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      const messages = group.length === 1 ? group[0].messages : group.flatMap((w) => w.messages);
      try {
        await this.send(messages);
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    }
    this.sending = false;
  }
}
