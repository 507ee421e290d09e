export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read: one past the last message whose effects are durable. */
  offset: string;
}

export interface OffsetCommitterOptions {
  /** Tries of a failed commit (the next batch's commit covers a partition anyway). */
  attempts?: number;
  retryMs?: number;
  /**
   * Least time from one commit's start to the next one's (default 0). A consumer fed small
   * batches otherwise commits about as often as it fetches, each commit a request and an append
   * to the broker's offsets log; offsets added meanwhile wait and share the next commit, which
   * widens only what a crash makes the group read again. `flush` never waits for it.
   */
  minIntervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Commits offsets off the consumer's hot path: every offset handed to `add` has its effects
 * durable already, and is committed in the next request (no sooner than `minIntervalMs` after the
 * one before), which carries the latest offset of every partition added meanwhile; one request
 * is in flight at a time. Under load, consecutive batches
 * of all partitions share one commit instead of paying one round trip each before the consumer
 * may fetch again. A commit that fails is tried again (unless a later offset of the partition
 * has been added since); a commit never made only means those messages are read again, which
 * every handler's idempotence allows.
 */
export class OffsetCommitter {
  private readonly pending = new Map<string, PartitionOffset & { tries: number }>();
  private flushing: Promise<void> | null = null;
  private lastCommitAt = -Infinity;
  /** Flushes under way: while any is, commits are not spaced. */
  private flushes = 0;
  /** Ends the wait for the interval, when one is under way. */
  private hurry: (() => void) | null = null;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly options: OffsetCommitterOptions = {},
  ) {}

  /** Queues `offset` for the partition and starts a commit unless one is in flight. */
  add(offset: PartitionOffset): void {
    this.pending.set(`${offset.topic}\u0000${offset.partition}`, { ...offset, tries: 0 });
    // Started on the next microtask: offsets added in the same turn share the request.
    this.flushing ??= Promise.resolve().then(() => this.drain());
  }

  /** Resolves once every offset added so far has been committed or given up on. */
  async flush(): Promise<void> {
    this.flushes++;
    this.hurry?.();
    try {
      while (this.flushing || this.pending.size > 0) await (this.flushing ??= this.drain());
    } finally {
      this.flushes--;
    }
  }

  /**
   * Drops the queued offsets of partitions `holds` says this member no longer has: committed
   * under the new generation they could move its new owner's offset back.
   */
  forget(holds: (topic: string, partition: number) => boolean): void {
    for (const [key, { topic, partition }] of this.pending)
      if (!holds(topic, partition)) this.pending.delete(key);
  }

  get queued(): number {
    return this.pending.size;
  }

  private async drain(): Promise<void> {
    const attempts = this.options.attempts ?? 3;
    try {
      while (this.pending.size > 0) {
        await this.spaced();
        const offsets = [...this.pending.values()];
        this.pending.clear();
        this.lastCommitAt = performance.now();
        try {
          await this.commit(
            offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
          );
        } catch (error) {
          this.options.onError?.(error);
          for (const o of offsets) {
            const key = `${o.topic}\u0000${o.partition}`;
            if (!this.pending.has(key) && o.tries + 1 < attempts)
              this.pending.set(key, { ...o, tries: o.tries + 1 });
          }
          if (this.pending.size > 0)
            await new Promise((r) => setTimeout(r, this.options.retryMs ?? 200));
        }
      }
    } finally {
      // Cleared in the same synchronous step as the loop's last empty check: an offset added
      // after it starts a drain of its own rather than waiting for one that has ended.
      this.flushing = null;
    }
  }

  /** Resolves once `minIntervalMs` has passed since the last commit started, or a flush began. */
  private spaced(): Promise<void> {
    const wait = this.lastCommitAt + (this.options.minIntervalMs ?? 0) - performance.now();
    if (wait <= 0 || this.flushes > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.hurry?.(), wait);
      timer.unref();
      this.hurry = () => {
        clearTimeout(timer);
        this.hurry = null;
        resolve();
      };
    });
  }
}
