interface Waiting<M> {
  items: M[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface CoalescerOptions {
  /**
   * Waits for the current turn of the event loop to end before taking a group, so submissions
   * started together (the partition batches of one Kafka fetch) share the first write too.
   */
  gatherTurn?: boolean;
  /** Writes in flight at once (default 1); a submission never waits while fewer are. */
  maxInFlight?: number;
  /** Most items one write carries, unbounded by default; a submission is never split. */
  maxItems?: number;
  /**
   * Failures that may be the fault of one submission's items (a data error, say): a merged write
   * failing so is retried as each submission alone, and the error reaches only the ones at fault.
   */
  retryAloneOn?: (error: unknown) => boolean;
}

/**
 * Writes the items of concurrent submissions together: submissions that arrive while the writes
 * in flight are at their limit wait and go out together in the next write (several, past
 * `maxItems`), in arrival order. No timer beyond `gatherTurn`'s end of the current turn, so an
 * idle service adds no latency. Each submission resolves once the write carrying its items
 * succeeded, and fails with it.
 */
export class Coalescer<M> {
  private waiting: Waiting<M>[] = [];
  private inFlight = 0;
  private gathering = false;

  constructor(
    private readonly write: (items: M[]) => Promise<unknown>,
    private readonly options: CoalescerOptions = {},
  ) {}

  submit(items: M[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.gathering || this.inFlight >= (this.options.maxInFlight ?? 1)) return;
    if (!this.options.gatherTurn) return void this.drain();
    this.gathering = true;
    setImmediate(() => {
      this.gathering = false;
      // What the turn gathered may need several writes (`maxItems`): as many start as may.
      while (this.waiting.length > 0 && this.inFlight < (this.options.maxInFlight ?? 1))
        void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.inFlight++;
    while (this.waiting.length > 0) {
      const group = this.takeGroup();
      try {
        await this.write(group.length === 1 ? group[0].items : group.flatMap((w) => w.items));
        for (const w of group) w.resolve();
      } catch (error) {
        if (group.length > 1 && this.options.retryAloneOn?.(error))
          await this.writeEachAlone(group);
        else for (const w of group) w.reject(error);
      }
    }
    this.inFlight--;
  }

  /** The oldest waiting submissions, as many as fit in one write (at least one). */
  private takeGroup(): Waiting<M>[] {
    const max = this.options.maxItems ?? Infinity;
    let count = this.waiting[0].items.length;
    let end = 1;
    while (end < this.waiting.length && count + this.waiting[end].items.length <= max)
      count += this.waiting[end++].items.length;
    const group = this.waiting.slice(0, end);
    this.waiting = this.waiting.slice(end);
    return group;
  }

  private async writeEachAlone(group: Waiting<M>[]): Promise<void> {
    for (const w of group) {
      try {
        await this.write(w.items);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
