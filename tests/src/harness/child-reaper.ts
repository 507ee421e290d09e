import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

const live = new Set<ChildProcess>();

/**
 * Stops `child` when this process ends first, whichever way it ends: its last line, an uncaught
 * error, or SIGINT, SIGTERM or SIGHUP (a bench stopped by `timeout` or Ctrl-C). Without it the
 * services of a run that died outlive it, holding their ports, consumer groups and connections.
 * The child gets SIGTERM, so a child that reaps its own children passes it on, and SIGCONT after
 * it, so one a test froze with SIGSTOP receives it too.
 */
export function reapOnExit(child: ChildProcess): void {
  if (!installed) install();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

let installed = false;

function install(): void {
  installed = true;
  process.once('exit', () => {
    for (const child of live) {
      child.kill('SIGTERM');
      child.kill('SIGCONT');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => process.exit(128 + constants.signals[signal]));
}
