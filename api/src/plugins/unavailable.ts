import { isPoolBusy } from '@avelon/core';

/**
 * True for errors that mean a dependency (database, Redis) is down, too slow or saturated (a full
 * database pool refuses early: isPoolBusy), not a bug: 503 with Retry-After.
 */
export function isUnavailable(error: unknown): boolean {
  if (isPoolBusy(error)) return true;
  let e: unknown = error;
  for (let i = 0; i < 4 && e instanceof Error; i++) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
      /^(57P0[123]|08)/.test(code) ||
      // "not queryable": pg refusing a query (a transaction's ROLLBACK) on a connection that already died.
      /timeout exceeded when trying to connect|Connection terminated|Query read timeout|not queryable|Connection is closed|Stream isn't writeable/i.test(
        e.message,
      )
    ) {
      return true;
    }
    e = e.cause;
  }
  return false;
}
