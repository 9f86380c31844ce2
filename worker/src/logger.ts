import { serializeError } from '@avelon/core';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout, one object per line, with the service name on each; errors without query
 * parameters or email addresses (personal data, see serializeError).
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'worker', pid: process.pid }, serializers: { err: serializeError } });
}
