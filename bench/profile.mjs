// bench/profile: CPU microseconds per event of every process of the pipeline (ingest, classifier,
// recorder, intervention, the Kafka broker, the Postgres backends of its database), from the
// operating system's accounting, under a fixed mixed load (one looping session in four among
// clean ones) sent through the public HTTP API by a separate process. With --compare REF, the
// same load against REF built in a temporary tree, in the same run.
//   npm run bench:profile -- [--rate 1000] [--sessions 1200] [--idle 5] [--warmup 600] [--repeat 1]
//     [--compare main] [--cpu-prof DIR]
// With --cpu-prof, each service's V8 profile of each measured window (start-up, warm-up and idle
// left out): DIR/<tree>-<n>/<service>.cpuprofile, n counting every measurement (warm-up and
// retries too).
// Uses KAFKA_BROKERS (started with infra/kafka/kafka.sh if nothing answers there), DATABASE_URL
// (measures in <its database>_profile, and _profile_<ref> for the other ref), and runs the
// services on TEST_PORT_BASE … +4 (else INGEST_PORT … +4, else 3200 …), so it never meets a
// pipeline on the default ports.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBroker } from './lib/broker.mjs';
import { summariseProfile } from './lib/cpu-profiles.mjs';

const { reapOnExit } = await import('../tests/dist/harness/child-reaper.js');

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '1200' },
    idle: { type: 'string', default: '5' },
    // A broker this bench has just started is still compiling its hot code after fewer.
    warmup: { type: 'string', default: '600' },
    repeat: { type: 'string', default: '1' },
    compare: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const ROWS = ['ingest', 'classifier', 'recorder', 'intervention', 'api', 'broker', 'postgres'];
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const baseDb = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/wink');
const portBase = process.env.TEST_PORT_BASE ?? process.env.INGEST_PORT ?? '3200';
const say = (msg) => console.error(`[profile] ${msg}`);

function databaseFor(suffix) {
  const url = new URL(baseDb);
  url.pathname = `/${url.pathname.slice(1)}_${suffix}`.replace(/[^\w/]/g, '_');
  return url.toString();
}

/** Third-party packages a lockfile installs: "node_modules/x" → version. */
const lockedPackages = (tree) =>
  Object.entries(JSON.parse(readFileSync(join(tree, 'package-lock.json'), 'utf8')).packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.link)
    .map(([path, entry]) => [path, entry.version]);

/**
 * Links this tree's node_modules into `dir` when they hold every package the ref locks, at the
 * same version (with the ref's own workspace packages, so its services load its libraries);
 * otherwise installs the ref's lockfile there.
 */
function installDependencies(ref, dir) {
  const ours = new Map(lockedPackages(ROOT));
  const missing = lockedPackages(dir).filter(([path, version]) => ours.get(path) !== version);
  if (missing.length > 0) {
    say(`${ref} locks ${missing.length} package(s) this tree lacks (${missing[0][0]}…): npm ci`);
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return;
  }
  mkdirSync(join(dir, 'node_modules', '@wink'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules')))
    if (name !== '@wink')
      symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  for (const project of workspaceProjects(dir)) {
    const { name } = JSON.parse(readFileSync(join(dir, project, 'package.json'), 'utf8'));
    if (name?.startsWith('@wink/'))
      symlinkSync(join('..', '..', project), join(dir, 'node_modules', name));
  }
}

const workspaceProjects = (dir) =>
  [
    ...['libs', 'services', 'tools'].flatMap((group) =>
      readdirSync(join(dir, group)).map((name) => `${group}/${name}`),
    ),
    'tests',
  ].filter((project) => existsSync(join(dir, project, 'package.json')));

/** Exports REF into .cache/profile/<commit>, gives it its dependencies, and builds it. */
function buildRef(ref) {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const dir = join(ROOT, '.cache', 'profile', commit.slice(0, 12));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // An export of the commit, not a `git worktree`: nothing is registered in the shared repository.
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
  installDependencies(ref, dir);
  const projects = workspaceProjects(dir);
  say(`building ${ref} (${commit.slice(0, 12)}) in ${dir}`);
  const tsconfigs = projects
    .filter((p) => !p.startsWith('libs/'))
    .map((p) => `${p}/tsconfig.json`)
    .filter((p) => existsSync(join(dir, p)));
  execFileSync(
    process.execPath,
    [join(dir, 'node_modules/typescript/bin/tsc'), '-b', ...tsconfigs],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  return { dir, commit };
}

let measurements = 0;
function measureOnce(label, root, dbSuffix) {
  say(`measuring ${label}: ${values.sessions} sessions at up to ${values.rate} events/s`);
  const profileDir =
    values['cpu-prof'] &&
    join(values['cpu-prof'], `${label.replace(/\W+/g, '_')}-${++measurements}`);
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bench/lib/profile-run.mjs'),
      root,
      values.rate,
      values.sessions,
      values.idle,
      values.warmup,
    ],
    {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        TEST_DATABASE_URL: databaseFor(dbSuffix),
        TEST_PORT_BASE: portBase,
        ...(profileDir ? { PROFILE_CPU_DIR: profileDir } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  reapOnExit(child);
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0
        ? resolve({ ...JSON.parse(out.trim().split('\n').at(-1)), profileDir })
        : reject(new Error(`measuring ${label} failed (exit ${code})`)),
    ),
  );
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const totalOf = (run) => ROWS.reduce((sum, name) => sum + run.perEvent[name], 0);

/** results: { label: [run, …] }; each figure is the median over the runs. */
function printTable(results) {
  const labels = Object.keys(results);
  const width = Math.max(14, ...labels.map((l) => l.length + 2));
  const pad = (s, n = width) => String(s).padStart(n);
  const header = ['process'.padEnd(14), ...labels.map((l) => pad(l))];
  if (labels.length === 2) header.push(pad('ratio', 8));
  const runs = results[labels[0]].length;
  console.log(
    `CPU µs per event (net of idle; median of ${runs} run${runs > 1 ? 's' : ''}): ` +
      `${values.sessions} sessions, one in four looping, at up to ${values.rate} events/s`,
  );
  console.log(header.join(''));
  const row = (name, pick) => {
    const figures = labels.map((l) => median(results[l].map(pick)));
    const cells = [name.padEnd(14), ...figures.map((f) => pad(f.toFixed(1)))];
    if (labels.length === 2)
      cells.push(pad(figures[0] > 0 ? `${(figures[1] / figures[0]).toFixed(2)}×` : '—', 8));
    console.log(cells.join(''));
  };
  for (const name of ROWS) row(name, (r) => r.perEvent[name]);
  row('total', totalOf);
  // On a shared machine the 5 s idle sample is the noisier figure; this one also counts what a
  // change costs a process doing nothing (e.g. fetching more often).
  console.log('\nCPU µs per event, idle included (all CPU of the load window / events):');
  for (const name of ROWS) row(name, (r) => r.grossPerEvent[name]);
  row('total', (r) => ROWS.reduce((sum, name) => sum + r.grossPerEvent[name], 0));
  console.log('\nidle CPU ms per second (subtracted above):');
  for (const name of ROWS) row(name, (r) => r.idlePerSecond[name] * 1000);
  console.log('');
  for (const [label, list] of Object.entries(results))
    for (const r of list) {
      const c = r.counts;
      console.log(
        `${label}: total ${totalOf(r).toFixed(1)} µs/event; sent ${r.load.sent} events (${r.load.sessions} sessions) ` +
          `at ${Math.round(r.load.sent / r.load.seconds)}/s; stored ${c.stored}; looping sessions sent in full ` +
          `${c.looping}, guided ${c.looping_guided}; clean sessions guided ${c.clean_guided}; window ${r.windowSeconds.toFixed(1)} s`,
      );
    }
}

/** Each service's sampled busy time by package, in each tree's first run. */
function printProfiles(results) {
  console.log(
    "\nThe figures above include the profiler's own sampling (every 0.5 ms in each service).",
  );
  for (const [label, runs] of Object.entries(results)) {
    const dir = runs[0].profileDir;
    console.log(`\nV8 profiles of ${label}'s first measured window (${dir}):`);
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) console.log('  none written (a tree whose services ignore it?)');
    for (const file of files.sort()) {
      const { busyMs, shares } = summariseProfile(join(dir, file));
      const top = shares
        .slice(0, 8)
        .map(([name, share]) => `${name} ${(share * 100).toFixed(1)}%`)
        .join(', ');
      const service = file.replace('.cpuprofile', '');
      console.log(`  ${service.padEnd(13)} ${busyMs.toFixed(0).padStart(6)} ms busy: ${top}`);
    }
  }
}

/** One measurement; tried again once if the pipeline failed (a start-up timeout on a busy machine). */
async function measure(label, root, dbSuffix) {
  let run;
  try {
    run = await measureOnce(label, root, dbSuffix);
  } catch (error) {
    say(`${error.message}; trying again`);
    run = await measureOnce(label, root, dbSuffix);
  }
  const parts = ROWS.map((name) => `${name} ${run.perEvent[name].toFixed(1)}`).join(', ');
  say(`${label}: ${totalOf(run).toFixed(1)} µs/event (${parts})`);
  return run;
}

const startedKafka = ensureBroker(say);
let ref = null;
try {
  // Built before anything is measured, so the build's CPU is in neither window.
  if (values.compare) ref = buildRef(values.compare);
  const results = {};
  const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT })
    .toString()
    .trim();
  const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim();
  const mine = `this tree${dirty ? '*' : ''} ${head}`;
  const theirs = ref && `${values.compare} ${ref.commit.slice(0, 12)}`;
  results[mine] = [];
  if (ref) results[theirs] = [];
  const measureMine = () => measure('this tree', ROOT, 'profile');
  const measureTheirs = () =>
    measure(values.compare, ref.dir, `profile_${ref.commit.slice(0, 12)}`);
  // A broker started just now is still compiling its hot paths (the JVM's JIT): whichever tree
  // went first would pay for it. One unmeasured run warms it.
  if (startedKafka) {
    say('warming the new broker with one run that is not counted');
    await measureMine();
  }
  // Interleaved, the order swapped every round, so a change in the machine's load falls on both.
  for (let i = 0; i < Number(values.repeat); i++) {
    const order = ref && i % 2 === 1 ? ['theirs', 'mine'] : ['mine', 'theirs'];
    for (const which of order) {
      if (which === 'mine') results[mine].push(await measureMine());
      else if (ref) results[theirs].push(await measureTheirs());
    }
  }
  printTable(results);
  if (values['cpu-prof']) printProfiles(results);
} finally {
  if (ref) rmSync(ref.dir, { recursive: true, force: true });
}
