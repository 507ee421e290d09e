// Preloaded with `NODE_OPTIONS=--require …/cpu-profile.cjs` (Node refuses --cpu-prof there):
// samples the process with V8's profiler and writes CPU_PROFILE_DIR/<name>.cpuprofile on exit,
// <name> the service whose main.js it runs (else its pid). With CPU_PROFILE_ON_SIGNAL=1 it
// samples only while CPU_PROFILE_DIR/.sampling exists, looked at on each SIGWINCH (which Nest's
// shutdown hooks leave alone; a terminal resizing sends it too, so the file, not the count of
// signals, says whether to sample), so start-up and warm-up stay out of it.
const { Session } = require('node:inspector');
const { existsSync, writeFileSync } = require('node:fs');

const dir = process.env.CPU_PROFILE_DIR;
const name = process.argv[1]?.match(/services\/([^/]+)\/dist\/main\.js$/)?.[1] ?? process.pid;
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
let state = 'idle'; // → 'sampling' → 'written'
function start() {
  state = 'sampling';
  session.post('Profiler.start');
}
function write() {
  // Nest signals the process again after its shutdown hooks: with this listener left it would
  // not exit then.
  for (const signal of ['SIGTERM', 'SIGINT']) process.removeListener(signal, write);
  if (state !== 'sampling') return;
  state = 'written';
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(result.profile));
  });
}
process.on('exit', write);
for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, write);
if (process.env.CPU_PROFILE_ON_SIGNAL === '1')
  process.on('SIGWINCH', () => {
    const wanted = existsSync(`${dir}/.sampling`);
    if (wanted && state === 'idle') start();
    else if (!wanted) write();
  });
else start();
