// Preloaded with `NODE_OPTIONS=--require …/cpu-profile.cjs` (Node refuses --cpu-prof there):
// samples the process with V8's profiler and writes CPU_PROFILE_DIR/<CPU_PROFILE_NAME or pid>
// .cpuprofile on exit. With CPU_PROFILE_ON_SIGNAL=1 it samples only between two SIGWINCHes (the
// first starts it, the second writes the profile; Nest's shutdown hooks take SIGUSR2), so
// start-up and warm-up stay out of it.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

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
  if (state !== 'sampling') return;
  state = 'written';
  session.post('Profiler.stop', (error, result) => {
    if (!error)
      writeFileSync(
        `${process.env.CPU_PROFILE_DIR}/${process.env.CPU_PROFILE_NAME || process.pid}.cpuprofile`,
        JSON.stringify(result.profile),
      );
  });
}
process.on('exit', write);
for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, write);
if (process.env.CPU_PROFILE_ON_SIGNAL === '1')
  process.on('SIGWINCH', () => (state === 'idle' ? start() : write()));
else start();
