// V8 CPU profiles of the services: the environment that takes them, and where a profile's busy
// time went (idle samples left out), by package: a dependency (node_modules/<name>), one of ours
// (libs/<name>, services/<name>), Node's own modules, or a native frame by name (`(garbage
// collector)`, `writev`). The profiler samples wall-clock time on the JavaScript thread, so a
// native frame also holds time the thread waited inside it (a loopback socket write can hand the
// core to the process it wakes), and `dispatch` is the in-process inspector session the profile
// is taken through (all an idle service shows).
import { readFileSync } from 'node:fs';

/**
 * The environment that makes a Node process write its V8 profile into `dir` (cpu-profile.cjs):
 * from start to exit, or with `onSignal` only while the bench says so.
 */
export function cpuProfileEnv(dir, { onSignal = false } = {}) {
  const hook = `--require ${new URL('cpu-profile.cjs', import.meta.url).pathname}`;
  return {
    NODE_OPTIONS: [process.env.NODE_OPTIONS, hook].filter(Boolean).join(' '),
    CPU_PROFILE_DIR: dir,
    ...(onSignal ? { CPU_PROFILE_ON_SIGNAL: '1' } : {}),
  };
}

const packageOf = ({ url, functionName }) =>
  url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ??
  url.match(/\/((?:libs|services)\/[^/]+)\//)?.[1] ??
  (url.startsWith('node:') ? 'node' : url ? 'other' : functionName || '(anonymous)');

/** { busyMs, shares: [[package, share of busy time], …] }, largest first. */
export function summariseProfile(path) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byPackage = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    if (frame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    busy += us;
    const name = packageOf(frame);
    byPackage.set(name, (byPackage.get(name) ?? 0) + us);
  });
  const shares = [...byPackage]
    .map(([name, us]) => [name, busy > 0 ? us / busy : 0])
    .sort((a, b) => b[1] - a[1]);
  return { busyMs: busy / 1000, shares };
}
