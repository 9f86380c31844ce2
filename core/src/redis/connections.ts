import { Redis, type RedisOptions } from 'ioredis';

/**
 * The three ways the platform talks to Redis, each with the options its job needs. Naming them here
 * keeps anyone from reusing a worker connection for the cache or the other way round (the seed shared
 * one connection with maxRetriesPerRequest: 3, which BullMQ workers cannot use).
 */

/** Cache, sessions, rate limits: fail fast and let the caller degrade (circuit breaker, fail-open). */
export function cacheConnection(url: string, commandTimeoutMs: number, name = 'cache'): Redis {
  return new Redis(url, {
    connectionName: name,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    // Queued commands would wait for a reconnect; failing now lets the request go to the database.
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  } satisfies RedisOptions);
}

/** Queue producers (the API enqueueing): fail fast so a request never hangs on a dead queue store. */
export function queueProducerConnection(url: string, name = 'queue-producer'): Redis {
  return new Redis(url, {
    connectionName: name,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  } satisfies RedisOptions);
}

/** BullMQ workers: blocking commands must wait out reconnects, so retries are unbounded (null). */
export function queueWorkerConnection(url: string, name = 'queue-worker'): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: false,
    retryStrategy: (times) => Math.min(times * 200, 5000),
  } satisfies RedisOptions);
}
