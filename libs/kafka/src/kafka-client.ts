import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { PATCHED_KAFKAJS, stopIdleRequestQueuePolling } from './request-queue-polling.js';

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

/** One structured JSON log line on stderr, like the services' own. */
function writeLog(level: string, context: string, msg: string, extra: object = {}): void {
  process.stderr.write(
    JSON.stringify({ time: new Date().toISOString(), level, context, msg, ...extra }) + '\n',
  );
}

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
      writeLog(
        'warn',
        'kafka',
        `KafkaJS is not ${PATCHED_KAFKAJS}: its request queue is left as it is (check whether its idle connections still poll every millisecond, tulios/kafkajs#1556)`,
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
        writeLog(LEVELS[level] ?? 'info', `kafkajs:${namespace}`, message, extra);
      },
  });
}

export function parseBrokers(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
