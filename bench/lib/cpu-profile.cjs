// Preloaded with `NODE_OPTIONS=--require …/cpu-profile.cjs` (Node refuses --cpu-prof there):
// samples the process with V8's profiler and writes CPU_PROFILE_DIR/<pid>.cpuprofile on exit.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
let written = false;
function write() {
  if (written) return;
  written = true;
  session.post('Profiler.stop', (error, result) => {
    if (!error)
      writeFileSync(
        `${process.env.CPU_PROFILE_DIR}/${process.pid}.cpuprofile`,
        JSON.stringify(result.profile),
      );
  });
}
process.on('exit', write);
for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, write);
