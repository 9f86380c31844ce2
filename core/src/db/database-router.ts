import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { metricCatalog } from '../metrics/catalog.ts';
import { metric } from '../metrics/registry.ts';
import type { DatabaseConfig } from './config.ts';
import { parseLsn } from './lsn.ts';
import { createPool, isConnectionError } from './pools.ts';
import { ReplicaMonitor, type ReplicaState } from './replica-monitor.ts';
import * as schema from './schema/index.ts';
import { MemoryWritePositionStore, type WritePositionStore } from './write-positions.ts';

export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Who is asking: reads of a user who just wrote must see the write (read-your-writes). */
export interface Consistency {
  /** A stable key of the user or session; omit for anonymous reads. */
  userKey?: string | undefined;
}

export type ReadTarget = { target: 'replica'; name: string } | { target: 'primary'; reason: string };

export interface DatabaseRouterOptions {
  config: DatabaseConfig;
  registry: Registry;
  applicationName: string;
  /** Shared between instances in production (RedisWritePositionStore); per process by default. */
  writePositions?: WritePositionStore;
}

/**
 * Sends writes and transactions to the primary (through PgBouncer) and reads to replicas that are up,
 * within the lag bound and, for a user who just wrote, past that user's last write. With no such
 * replica, reads go to the primary; a replica that fails a read is taken out of rotation and the read
 * is retried on the primary; a read-your-writes read whose primary cannot be reached is served by the
 * freshest replica instead. A saturated pool is not a failure: callers queue up to
 * DATABASE_POOL_MAX_WAITING and beyond that get PoolBusyError at once.
 */
export class DatabaseRouter {
  readonly primary: Db;
  readonly #primaryPool: pg.Pool;
  readonly #replicas: Array<{ name: string; pool: pg.Pool; db: Db }>;
  readonly #checkPools: pg.Pool[];
  readonly #monitor: ReplicaMonitor;
  readonly #positions: WritePositionStore;
  readonly #routes;
  #next = 0;

  constructor(options: DatabaseRouterOptions) {
    const { config, registry, applicationName } = options;
    const queries = metric(registry, metricCatalog.dbQueries);
    this.#routes = metric(registry, metricCatalog.dbReadRoutes);
    const common = {
      maxWaiting: config.DATABASE_POOL_MAX_WAITING,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
      applicationName,
    };
    const primaryCounter = queries.labels('primary', 'primary');
    this.#primaryPool = createPool({
      ...common,
      url: config.DATABASE_URL,
      max: config.DATABASE_POOL_SIZE,
      onQuery: () => primaryCounter.inc(),
    });
    this.primary = drizzle(this.#primaryPool, { schema });
    this.#replicas = config.DATABASE_REPLICA_URLS.map((url, i) => {
      const name = replicaName(url, i);
      const counter = queries.labels('replica', name);
      const pool = createPool({
        ...common,
        url,
        max: config.DATABASE_REPLICA_POOL_SIZE,
        onQuery: () => counter.inc(),
        // Direct to Postgres, so names survive between queries (not so through PgBouncer: the primary).
        prepareStatements: config.DATABASE_REPLICA_PREPARED,
      });
      return { name, pool, db: drizzle(pool, { schema }) };
    });
    const lagSeconds = metric(registry, metricCatalog.dbReplicaLagSeconds);
    const lagBytes = metric(registry, metricCatalog.dbReplicaLagBytes);
    const inRotation = metric(registry, metricCatalog.dbReplicaInRotation);
    // Health checks get a connection of their own per server: queued behind a burst of reads on the
    // shared pools, they would time out and call a busy but healthy replica down.
    const checkPool = (url: string) => createPool({ ...common, url, max: 1, maxWaiting: undefined });
    this.#checkPools = [checkPool(config.DATABASE_URL), ...config.DATABASE_REPLICA_URLS.map(checkPool)];
    this.#monitor = new ReplicaMonitor({
      primary: this.#checkPools[0] as pg.Pool,
      replicas: this.#replicas.map((r, i) => ({ name: r.name, pool: this.#checkPools[i + 1] as pg.Pool })),
      maxLagMs: config.DATABASE_REPLICA_MAX_LAG_MS,
      intervalMs: config.DATABASE_REPLICA_CHECK_INTERVAL_MS,
      onChange: (states) => {
        for (const s of states) {
          lagSeconds.labels(s.name).set(s.lagMs / 1000);
          lagBytes.labels(s.name).set(s.lagBytes);
          inRotation.labels(s.name).set(s.inRotation ? 1 : 0);
        }
      },
    });
    // Longer than the lag bound: past it, every replica in rotation has replayed the write anyway.
    const positionTtlMs = Math.max(60_000, 4 * config.DATABASE_REPLICA_MAX_LAG_MS);
    this.#positions = options.writePositions ?? new MemoryWritePositionStore(positionTtlMs);
  }

  /** Starts health checks and waits for the first, so the first reads already use the replicas. */
  async start(): Promise<void> {
    await this.#monitor.poll();
    this.#monitor.start();
  }

  async close(): Promise<void> {
    await this.#monitor.stop();
    await Promise.all([
      this.#primaryPool.end(),
      ...this.#replicas.map((r) => r.pool.end()),
      ...this.#checkPools.map((p) => p.end()),
    ]);
  }

  get replicaStates(): readonly ReplicaState[] {
    return this.#monitor.states;
  }

  /** Re-reads replica health now instead of at the next interval. */
  refreshReplicas(): Promise<void> {
    return this.#monitor.poll();
  }

  /** Runs a read where it may go: a fitting replica, else the primary. */
  async read<T>(run: (db: Db) => Promise<T>, consistency: Consistency = {}): Promise<T> {
    const target = await this.chooseReadTarget(consistency);
    if (target.target === 'primary') {
      this.#routes.labels('primary', target.reason).inc();
      if (target.reason !== 'read-your-writes') return run(this.primary);
      try {
        return await run(this.primary);
      } catch (error) {
        // The primary (or PgBouncer) cannot be reached: the freshest replica in rotation, though short of
        // the caller's last write, answers instead of a 503. While the primary is away nothing new is
        // written, so that replica lacks at most the writes of the moment before the outage.
        const fallback = isConnectionError(error) ? this.#freshestReplica() : undefined;
        if (!fallback) throw error;
        this.#routes.labels('replica', 'primary-failed').inc();
        return run(fallback.db);
      }
    }
    const replica = this.#replicas.find((r) => r.name === target.name);
    if (!replica) throw new Error(`unknown replica ${target.name}`);
    try {
      const result = await run(replica.db);
      this.#routes.labels('replica', 'ok').inc();
      return result;
    } catch (error) {
      // A full pool (isPoolBusy) is not a connection error: it propagates as back-pressure (503).
      if (!isConnectionError(error)) throw error;
      // The replica went away between health checks: leave rotation now, answer from the primary.
      this.#monitor.markDown(replica.name);
      this.#routes.labels('primary', 'replica-failed').inc();
      return run(this.primary);
    }
  }

  /**
   * Runs `run` in a transaction on the primary. After commit, remembers the primary's WAL position
   * for the user, so the user's next reads wait for a replica that has replayed it.
   */
  async write<T>(run: (tx: Tx) => Promise<T>, consistency: Consistency = {}): Promise<T> {
    const result = await this.primary.transaction(run);
    if (consistency.userKey) await this.rememberWrite(consistency.userKey);
    return result;
  }

  /** Records the primary's current WAL position as the user's last write (call after a commit). */
  async rememberWrite(userKey: string): Promise<void> {
    const { rows } = await this.#primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    await this.#positions.remember(userKey, parseLsn(rows[0]?.lsn ?? ''));
  }

  /** The replica in rotation that has replayed the most, if any. */
  #freshestReplica(): { name: string; db: Db } | undefined {
    const best = this.#monitor.states
      .filter((s) => s.inRotation && s.replayLsn !== undefined)
      .sort((a, b) => ((b.replayLsn ?? 0n) > (a.replayLsn ?? 0n) ? 1 : -1))[0];
    return best && this.#replicas.find((r) => r.name === best.name);
  }

  /** Where a read with this consistency would go now; exposed for tests and diagnostics. */
  async chooseReadTarget(consistency: Consistency = {}): Promise<ReadTarget> {
    const inRotation = this.#monitor.states.filter((s) => s.inRotation);
    if (inRotation.length === 0) return { target: 'primary', reason: 'no-replica' };
    let candidates = inRotation;
    if (consistency.userKey) {
      const mustHave = await this.#positions.recall(consistency.userKey);
      if (mustHave !== undefined) {
        candidates = inRotation.filter((s) => s.replayLsn !== undefined && s.replayLsn >= mustHave);
        if (candidates.length === 0) return { target: 'primary', reason: 'read-your-writes' };
      }
    }
    const chosen = candidates[this.#next++ % candidates.length];
    return chosen ? { target: 'replica', name: chosen.name } : { target: 'primary', reason: 'no-replica' };
  }
}

/** A readable name for metrics: host:port of the replica, never its credentials. */
function replicaName(url: string, index: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}`;
  } catch {
    return `replica-${index}`;
  }
}
