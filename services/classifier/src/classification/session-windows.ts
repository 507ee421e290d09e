import { SessionWindow } from '@wink/detectors';

/** The windows of the sessions this worker owns, least recently used evicted first. */
export class SessionWindows {
  private readonly windows = new Map<string, SessionWindow>();

  constructor(
    private readonly maxSessions: number,
    private readonly windowCapacity: number,
  ) {}

  get size(): number {
    return this.windows.size;
  }

  get(key: string): SessionWindow | undefined {
    const window = this.windows.get(key);
    if (window) {
      this.windows.delete(key);
      this.windows.set(key, window);
    }
    return window;
  }

  create(key: string): SessionWindow {
    const window = new SessionWindow(this.windowCapacity);
    this.windows.set(key, window);
    while (this.windows.size > this.maxSessions) {
      this.windows.delete(this.windows.keys().next().value!);
    }
    return window;
  }
}
