import pg from 'pg';
import { prepareStatementsOn } from './prepared-statements.ts';

export type PoolRole = 'primary' | 'replica';

export interface PoolOptions {
  url: string;
  max: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  applicationName: string;
  /** Callers that may queue for a connection while all are busy; more are refused with PoolBusyError. */
  maxWaiting?: number;
  /** Called once per query sent on any connection of the pool. */
  onQuery?: () => void;
  /**
   * Sends parameterised queries as named prepared statements (prepareStatementsOn), planned once per
   * connection. Only for direct connections to Postgres (the replicas), never through PgBouncer.
   */
  prepareStatements?: boolean;
  /** Bound on distinct prepared statements per connection; MAX_PREPARED_PER_CONNECTION by default. */
  maxPreparedPerConnection?: number;
}

/**
 * A node-postgres pool with a per-query hook. Unless prepareStatements is set, only unnamed statements
 * are sent (Drizzle does not name them unless asked), which PgBouncer in transaction mode requires.
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
  // pg-pool listens for errors only while a client is idle. A connection that dies while checked out (in
  // a transaction: the primary or PgBouncer restarting, a reset) emits 'error' on its client, and with no
  // listener that crashed the whole process. The statement in flight fails with the same error (a 503),
  // and the pool drops the dead client when it is released (it is no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  if (options.maxWaiting !== undefined) boundQueue(pool, options.max, options.maxWaiting);
  // Registered before the onQuery hook, which then wraps it: one count per query the caller sends.
  if (options.prepareStatements) {
    const max = options.maxPreparedPerConnection;
    pool.on('connect', (client) => prepareStatementsOn(client, max));
  }
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
 * Bounds the queue of callers waiting for a connection: with every connection busy and maxWaiting
 * already queued, connect() (which pool.query() and transactions use) fails at once instead of
 * joining a queue that would only time out. Early refusal is honest back-pressure (503 + Retry-After).
 */
function boundQueue(pool: pg.Pool, max: number, maxWaiting: number): void {
  const connect = pool.connect.bind(pool) as (callback?: unknown) => unknown;
  (pool as { connect: unknown }).connect = (callback?: (error: Error) => void) => {
    const saturated = pool.totalCount >= max && pool.idleCount === 0 && pool.waitingCount >= maxWaiting;
    if (!saturated) return connect(callback);
    const error = new PoolBusyError(pool.waitingCount);
    if (!callback) return Promise.reject(error);
    process.nextTick(callback, error);
    return undefined;
  };
}

/** Thrown without waiting when every connection is busy and the queue for one is full. */
export class PoolBusyError extends Error {
  readonly code = 'AVELON_DB_POOL_BUSY';
  constructor(waiting: number) {
    super(`database pool busy: ${waiting} requests already wait for a connection`);
    this.name = 'PoolBusyError';
  }
}

// pg-pool's message when a caller waited connectionTimeoutMillis for a connection of a full pool: the
// server is fine, the pool is saturated. (A connection attempt that times out is "Connection terminated
// due to connection timeout".)
const POOL_WAIT_TIMEOUT = /timeout exceeded when trying to connect/i;

/** Back-pressure: the pool was full (refused at once, or a wait for a free connection timed out). */
export function isPoolBusy(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof PoolBusyError || POOL_WAIT_TIMEOUT.test(e.message)) return true;
  }
  return false;
}

/**
 * Errors that mean "this server cannot be reached now", as opposed to a bad query. Looks through
 * `cause`, since Drizzle wraps driver errors in its own.
 */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: string }).code ?? '';
    if (
      // EAI_AGAIN: a lookup that timed out, as of a replica pod's name while its pod is being replaced.
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ECONNABORTED',
        'ETIMEDOUT',
        'EPIPE',
        'ENOTFOUND',
        'EAI_AGAIN',
        'EHOSTUNREACH',
        'ENETUNREACH',
      ].includes(code) ||
      // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection exceptions
      /^(57P0[123]|08)/.test(code) ||
      // Not pg-pool's "timeout exceeded when trying to connect": that is a wait for a free connection of
      // a full pool (isPoolBusy), and taking a healthy replica out for it would only move the load.
      // pg's answer to a query on a client whose connection already died (e.g. the ROLLBACK after a failed
      // statement of a transaction): the same outage, one step later.
      /Connection terminated|Query read timeout|not queryable/i.test(e.message)
    ) {
      return true;
    }
  }
  return false;
}
