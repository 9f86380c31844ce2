import pg from 'pg';

export type PoolRole = 'primary' | 'replica';

export interface PoolOptions {
  url: string;
  max: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  applicationName: string;
  /** Called once per query sent on any connection of the pool. */
  onQuery?: () => void;
}

/**
 * A node-postgres pool with a per-query hook. Only unnamed statements are ever sent (Drizzle does
 * not name them unless asked), which PgBouncer in transaction mode requires.
 */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Client-side: PgBouncer rejects statement_timeout as a startup parameter.
    query_timeout: options.queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
  });
  // Without a listener an error on an idle connection (server restart) would crash the process.
  pool.on('error', () => {});
  const onQuery = options.onQuery;
  if (onQuery) {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        onQuery();
        return query(...args);
      };
    });
  }
  return pool;
}

/**
 * Errors that mean "this server cannot be reached now", as opposed to a bad query. Looks through
 * `cause`, since Drizzle wraps driver errors in its own.
 */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: string }).code ?? '';
    if (
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code) ||
      // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection exceptions
      /^(57P0[123]|08)/.test(code) ||
      /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(e.message)
    ) {
      return true;
    }
  }
  return false;
}
