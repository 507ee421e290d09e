// Runs a load generator in its own process, so its CPU is in no measured process.
import { spawn } from 'node:child_process';

/** Runs `node script ...args`; resolves with the JSON it prints on stdout. */
export function runJsonChild(script, args) {
  const child = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}`)),
    ),
  );
}
