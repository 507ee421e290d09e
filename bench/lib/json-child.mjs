// Runs a load generator in its own process, so its CPU is in no measured process.
import { spawn } from 'node:child_process';
import { reapOnExit } from '../../tests/dist/harness/child-reaper.js';

/** Runs `node script ...args`; resolves with the JSON it prints on stdout. */
export function runJsonChild(script, args) {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  reapOnExit(child);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => (out += chunk));
  // 'close', not 'exit': a child can exit before its parent has read all it wrote on stdout (a
  // 60 s soak's JSON is over a megabyte).
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}`)),
    ),
  );
}
