import type { TrajectoryEvent } from '@wink/contracts';
import type { WinkClient } from './wink-client.js';

export interface StepRecorderOptions {
  /** Events held while Wink is slow or down; beyond this the oldest are dropped and counted. */
  maxBuffered?: number;
  /** Events sent per request. */
  batchSize?: number;
  /** How often buffered events are sent. */
  flushMs?: number;
  /** Longest wait before retrying after a failed send (backoff doubles up to it). */
  maxBackoffMs?: number;
}

export interface RecorderStats {
  sent: number;
  dropped: number;
  failedSends: number;
  buffered: number;
}

/**
 * Records an agent's steps without ever blocking or failing the agent: `record` only appends to a
 * bounded buffer; a timer sends batches in the background, retries with backoff when Wink is
 * unreachable, and drops the oldest events (counted) when the buffer is full.
 */
export class StepRecorder {
  private readonly buffer: TrajectoryEvent[] = [];
  private readonly stats: RecorderStats = { sent: 0, dropped: 0, failedSends: 0, buffered: 0 };
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | null = null;
  private backoffMs = 0;
  private retryAt = 0;

  constructor(
    private readonly client: Pick<WinkClient, 'record'>,
    private readonly options: StepRecorderOptions = {},
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 200);
    this.timer.unref();
  }

  record(event: TrajectoryEvent): void {
    this.buffer.push(event);
    const max = this.options.maxBuffered ?? 10_000;
    if (this.buffer.length > max) {
      this.stats.dropped += this.buffer.length - max;
      this.buffer.splice(0, this.buffer.length - max);
    }
  }

  get counters(): RecorderStats {
    return { ...this.stats, buffered: this.buffer.length };
  }

  /** Sends what is buffered now (one batch at a time); never rejects. */
  flush(): Promise<void> {
    if (this.sending || this.buffer.length === 0 || Date.now() < this.retryAt)
      return this.sending ?? Promise.resolve();
    this.sending = this.sendBatches().finally(() => (this.sending = null));
    return this.sending;
  }

  /** Sends what it can within `timeoutMs`, then stops the timer. */
  async close(timeoutMs = 2000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.length > 0 && Date.now() < deadline) {
      this.retryAt = 0;
      await Promise.race([
        this.flush(),
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
      if (this.backoffMs > 0) break;
    }
  }

  private async sendBatches(): Promise<void> {
    const size = this.options.batchSize ?? 500;
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, size);
      try {
        await this.client.record(batch);
      } catch {
        this.stats.failedSends++;
        this.backoffMs = Math.min(
          this.options.maxBackoffMs ?? 30_000,
          Math.max(250, this.backoffMs * 2),
        );
        this.retryAt = Date.now() + this.backoffMs;
        return;
      }
      // Only what was sent leaves the buffer; events recorded meanwhile stay, in order.
      this.buffer.splice(0, batch.length);
      this.stats.sent += batch.length;
      this.backoffMs = 0;
    }
  }
}
