/** Runs `work` after a first delay, then again `intervalMs` after each run ended, until stopped. */
export class RepeatingJob {
  private timer: NodeJS.Timeout | null = null;
  private halted = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get stopped(): boolean {
    return this.halted;
  }

  start(firstDelayMs = this.intervalMs): void {
    this.next(firstDelayMs);
  }

  stop(): void {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private next(delayMs: number): void {
    if (this.halted) return;
    this.timer = setTimeout(() => {
      this.work()
        .catch(this.onError)
        .finally(() => this.next(this.intervalMs));
    }, delayMs);
  }
}
