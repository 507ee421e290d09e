import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest PostgreSQL server binaries installed (Debian's layout), or PG_BIN. */
function serverBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('no PostgreSQL server binaries (set PG_BIN)');
  return join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of the tests' own, in a temporary directory on its own port, that a fault
 * test may stop and start without touching the machine's server. Runs as `postgres` when the
 * tests run as root (the server refuses root).
 */
export class PrivatePostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'wink-pg-'));
  private readonly bin = serverBin();
  private readonly asRoot = process.getuid?.() === 0;

  constructor(readonly port = Number(process.env.PRIVATE_PG_PORT ?? 5499)) {
    if (this.asRoot) chownSync(this.dir, this.uid(), this.gid());
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/wink_faults`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  start(): void {
    this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  /** `immediate` is a crash: no checkpoint, connections cut. */
  stop(mode: 'fast' | 'immediate' = 'immediate'): void {
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop('fast');
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    if (this.asRoot)
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'ignore' });
    else execFileSync(command, args, { stdio: 'ignore' });
  }

  private uid(): number {
    return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  }

  private gid(): number {
    return Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  }
}
