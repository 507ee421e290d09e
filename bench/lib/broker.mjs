// For the benches that need the Kafka broker: with none answering on KAFKA_BROKERS' first address,
// infra/kafka/kafka.sh starts one there (as `npm test` and `npm run up` do) and it is stopped when
// the bench exits; a broker already running is used and left as it is.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const KAFKA_SH = fileURLToPath(new URL('../../infra/kafka/kafka.sh', import.meta.url));

/**
 * Starts a broker unless one answers, and stops it when this process exits. Returns whether it
 * started one (its JIT is then still cold); exits with an error if it cannot.
 */
export function ensureBroker(say = (line) => console.error(`[bench] ${line}`)) {
  const [host, port] = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0].split(':');
  const env = { ...process.env, KAFKA_HOST: host, KAFKA_PORT: port };
  const kafka = (command, stdio = 'inherit') =>
    spawnSync('bash', [KAFKA_SH, command], { env, stdio });
  if (kafka('status', 'ignore').status === 0) return false;
  say(`no broker on ${host}:${port}; starting one, stopped when the bench ends`);
  if (kafka('start').status !== 0) process.exit(1);
  process.once('exit', () => kafka('stop'));
  return true;
}
