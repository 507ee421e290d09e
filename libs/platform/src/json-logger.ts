import type { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: Record<string, number> = {
  debug: 0,
  verbose: 0,
  log: 1,
  info: 1,
  warn: 2,
  error: 3,
  fatal: 3,
};

/** One JSON object per line on stdout: time, level, service, context, msg and any fields given. */
export class JsonLogger implements LoggerService {
  private readonly min: number;

  constructor(
    private readonly service: string,
    level: string = 'info',
  ) {
    this.min = ORDER[level] ?? 1;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {}

  private write(level: string, message: unknown, rest: unknown[]): void {
    if ((ORDER[level] ?? 1) < this.min) return;
    // Nest passes the context as the last string argument; a stack trace may precede it.
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      context,
    };
    if (message instanceof Error) {
      line.msg = message.message;
      line.stack = message.stack;
    } else if (message && typeof message === 'object') {
      Object.assign(line, message);
    } else {
      line.msg = String(message);
    }
    if (typeof rest[0] === 'string' && level === 'error') line.stack = rest[0];
    process.stdout.write(JSON.stringify(line) + '\n');
  }
}
