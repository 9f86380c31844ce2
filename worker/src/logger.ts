import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs on stdout, one object per line, with the service name on each. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'worker', pid: process.pid } });
}
