import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reapOnExit } from './child-reaper.js';
import { waitFor } from './infrastructure.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'ingest' | 'classifier' | 'intervention' | 'recorder' | 'api';

/** One Wink service run as its own process from its build output, as in production. */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  readonly output: string[] = [];

  constructor(
    readonly name: ServiceName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The running process's id, for the benchmarks' CPU accounting. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [`${ROOT}services/${this.name}/dist/main.js`], {
      // Its Postgres sessions carry its name (pg reads PGAPPNAME), so pg_stat_activity tells them apart.
      env: { ...process.env, PGAPPNAME: `wink-${this.name}`, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    reapOnExit(child);
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 500) this.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${this.name} exited: ${this.output.join('').slice(-2000)}`);
        const res = await fetch(`${this.url}/health`);
        return res.status === 200;
      },
      // Generous: ten services booting at once on a loaded two-core machine take a while.
      60_000,
      `${this.name} to be healthy`,
      200,
    );
  }

  /** Crash: SIGKILL, no chance to finish anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  /** Freezes the process (SIGSTOP): it holds its connections and group membership, doing nothing. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Graceful stop: SIGTERM, then wait for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    this.child = null;
  }
}
