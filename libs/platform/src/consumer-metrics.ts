import { Counter, Gauge, Histogram } from 'prom-client';
import { metrics } from './metrics.js';

const batchSize = new Histogram({
  name: 'wink_consumer_batch_size',
  help: 'Messages per consumed batch',
  labelNames: ['topic'],
  buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
  registers: [metrics],
});
const handlerSeconds = new Histogram({
  name: 'wink_consumer_batch_seconds',
  help: 'Time the service took to handle a batch (detectors, writes, produce)',
  labelNames: ['topic'],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  registers: [metrics],
});
const lag = new Gauge({
  name: 'wink_consumer_lag',
  help: 'Messages behind the end of the partition after the last batch',
  labelNames: ['topic', 'partition'],
  registers: [metrics],
});

export function observeBatch(
  topic: string,
  partition: number,
  size: number,
  handlerMs: number,
  behind: number,
): void {
  batchSize.observe({ topic }, size);
  handlerSeconds.observe({ topic }, handlerMs / 1000);
  lag.set({ topic, partition: String(partition) }, behind);
}

const restarts = new Counter({
  name: 'wink_consumer_restarts_total',
  help: 'Times the consumer joined its group again after a crash',
  registers: [metrics],
});

export function countConsumerRestart(): void {
  restarts.inc();
}

const deadLetters = new Counter({
  name: 'wink_dead_letters_total',
  help: "Messages set aside on their topic's dead-letter topic (envelope: unreadable; handler: kept failing)",
  labelNames: ['topic', 'failure'],
  registers: [metrics],
});

export function countDeadLetter(topic: string, failure: string): void {
  deadLetters.inc({ topic, failure });
}
