import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { stopIdleRequestQueuePolling } from './request-queue-polling.js';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
}

const LEVELS: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Whether KafkaJS' idle request-queue polling is stopped: tried before the first client is made. */
let idlePollingStopped: boolean | null = null;

/**
 * KafkaJS client whose log lines are structured JSON on stderr, like the services' own, and
 * whose idle broker connections do not poll (see `stopIdleRequestQueuePolling`).
 */
export function createKafka(settings: KafkaSettings): Kafka {
  if (idlePollingStopped === null) {
    idlePollingStopped = stopIdleRequestQueuePolling();
    if (!idlePollingStopped)
      process.stderr.write(
        JSON.stringify({
          time: new Date().toISOString(),
          level: 'warn',
          context: 'kafka',
          msg: "KafkaJS' request queue is not laid out as expected: its idle connections still poll every millisecond",
        }) + '\n',
      );
  }
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, retries: 8 },
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _ts, logger: _logger, ...extra } = log;
        process.stderr.write(
          JSON.stringify({
            time: new Date().toISOString(),
            level: LEVELS[level] ?? 'info',
            context: `kafkajs:${namespace}`,
            msg: message,
            ...extra,
          }) + '\n',
        );
      },
  });
}

export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
