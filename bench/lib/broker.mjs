// For the benches that need the Kafka broker: with nothing answering on KAFKA_BROKERS, one is
// started with infra/kafka/kafka.sh (as `npm test` does) and stopped when the bench exits; a
// broker already running is used and left as it is.
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';

const KAFKA_SH = fileURLToPath(new URL('../../infra/kafka/kafka.sh', import.meta.url));

/** Whether something accepts a TCP connection on `host:port`. */
export const answers = (hostPort) =>
  new Promise((resolve) => {
    const [host, port] = hostPort.split(':');
    const socket = createConnection({ host, port: Number(port) });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });

/**
 * Starts a broker on the first of KAFKA_BROKERS' ports unless one answers there, and stops it
 * when this process exits. Resolves with whether it started one (its JIT is then still cold);
 * exits with an error if it cannot.
 */
export async function ensureBroker(say = (line) => console.error(`[bench] ${line}`)) {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const first = brokers.split(',')[0];
  if (await answers(first)) return false;
  const port = first.split(':').at(-1);
  say(`no broker on ${brokers}; starting one on port ${port}, stopped when the bench ends`);
  const started = spawnSync('bash', [KAFKA_SH, 'start'], {
    env: { ...process.env, KAFKA_PORT: port },
    stdio: 'inherit',
  });
  if (started.status !== 0) process.exit(1);
  process.once('exit', () =>
    spawnSync('bash', [KAFKA_SH, 'stop'], {
      env: { ...process.env, KAFKA_PORT: port },
      stdio: 'inherit',
    }),
  );
  return true;
}
