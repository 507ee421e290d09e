// CPU time from the operating system's own accounting: utime + stime of /proc/<pid>/stat, which
// counts every thread of the process (V8's GC and libuv's pool included).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

const read = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process has exited, or is not ours to read
  }
};

/** { pid, ppid, comm, cpuSeconds } of one process, or null once it is gone. */
export function processStat(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    pid,
    comm: stat.slice(stat.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

/** Every process on the machine: pid and command line (NUL-separated arguments). */
export function listProcesses() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = read(`/proc/${name}/cmdline`);
    if (cmdline) out.push({ pid: Number(name), args: cmdline.split('\0').filter(Boolean) });
  }
  return out;
}

/** The Kafka broker JVM whose server.properties listens on `port`, among `processes`. */
export function brokerPids(port, processes) {
  return processes
    .filter((p) => p.args.includes('kafka.Kafka'))
    .filter((p) => {
      const props = read(p.args.at(-1));
      return props !== null && new RegExp(`^listeners=.*:${port}(,|$)`, 'm').test(props);
    })
    .map((p) => p.pid);
}

/** Postgres backends (and autovacuum workers) serving `database`: "postgres: … user db host …". */
export function postgresBackendPids(database, processes) {
  return processes
    .filter((p) => p.args.length === 1 && p.args[0].startsWith('postgres:'))
    .filter((p) => p.args[0].split(' ').includes(database))
    .map((p) => p.pid);
}

/** Children of this process running `script` (a path ending the command line), among `processes`. */
export function childPids(script, processes) {
  return processes
    .filter((p) => p.args.some((a) => a.endsWith(script)))
    .filter((p) => processStat(p.pid)?.ppid === process.pid)
    .map((p) => p.pid);
}

/**
 * CPU seconds each group of processes uses between `start()` and `stop()`. Groups are looked up
 * again at every sample, so a process that starts in the window counts from zero and one that
 * exits keeps what it had used at its last sample. Each sample lists the machine's processes once
 * for all groups: listing them per group cost this process ~half a core during a bench, on the
 * two cores it measures.
 */
export class CpuMeter {
  constructor(groups, sampleMs = 250) {
    this.groups = groups; // { label: (processes) => pid[] }
    this.sampleMs = sampleMs;
    this.seen = new Map(); // label -> Map(pid -> { first, last })
  }

  sample(initial = false) {
    const processes = listProcesses();
    for (const [label, find] of Object.entries(this.groups)) {
      const pids = this.seen.get(label) ?? new Map();
      this.seen.set(label, pids);
      for (const pid of find(processes)) {
        const stat = processStat(pid);
        if (!stat) continue;
        const known = pids.get(pid);
        if (known) known.last = stat.cpuSeconds;
        else pids.set(pid, { first: initial ? stat.cpuSeconds : 0, last: stat.cpuSeconds });
      }
    }
  }

  start() {
    this.seen.clear();
    this.sample(true);
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.sample(), this.sampleMs);
  }

  /** { seconds, cpu: { label: CPU seconds } } */
  stop() {
    clearInterval(this.timer);
    this.sample();
    const cpu = {};
    for (const [label, pids] of this.seen)
      cpu[label] = [...pids.values()].reduce((sum, p) => sum + (p.last - p.first), 0);
    return { seconds: (performance.now() - this.startedAt) / 1000, cpu };
  }
}

const SERVICES = ['ingest', 'classifier', 'recorder', 'intervention', 'api'];

/**
 * The groups a pipeline benchmark meters: each service started by this process, the broker
 * listening on `brokerPort` and the Postgres backends serving `database`.
 */
export function pipelineGroups(database, brokerPort) {
  return {
    ...Object.fromEntries(
      SERVICES.map((name) => [
        name,
        (processes) => childPids(`services/${name}/dist/main.js`, processes),
      ]),
    ),
    broker: (processes) => brokerPids(brokerPort, processes),
    postgres: (processes) => postgresBackendPids(database, processes),
  };
}
