import { type DestinationStream, type Logger, pino } from 'pino';
import { serializeError } from './log-errors.ts';

export type { Logger };

/** What every app's logger is made from. */
export interface LoggerOptions {
  /** Written on every line, so one log stream can hold every app. */
  service: string;
  /** pino level (each app's LOG_LEVEL). */
  level: string;
  /** Where the lines go; stdout (one JSON object a line) when absent. Tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * The one logger of every Avelon process: JSON lines with `service` and `pid` on each, and errors
 * (`err`) without query parameters or email addresses (personal data, see serializeError).
 */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  const options = { level, base: { service, pid: process.pid }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}
