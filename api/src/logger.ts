import { serializeError } from '@avelon/core';
import { type DestinationStream, type Logger, pino } from 'pino';

/** JSON logs; errors without query parameters or email addresses (personal data, see serializeError). */
export function createApiLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'api' }, serializers: { err: serializeError } };
  return destination ? pino(options, destination) : pino(options);
}
