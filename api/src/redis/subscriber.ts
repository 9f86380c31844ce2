import type { cacheConnection } from '@avelon/core';
import type { FastifyBaseLogger } from 'fastify';

type Redis = ReturnType<typeof cacheConnection>;
type Handler = (message: string) => void;

/**
 * One pub/sub connection to one Redis for every broadcast the API listens to there: the cache Redis
 * carries cache invalidations and TTL changes, the queue Redis session revocations (a revocation must
 * travel through the Redis that holds the sessions, so both fail together). While it is not
 * subscribed, messages can be missed: `healthy` says so, and `onResync` listeners run after every
 * (re)subscription so they can drop whatever may have gone stale in the meantime.
 */
export class Subscriber {
  readonly #redis: Redis;
  readonly #handlers = new Map<string, Handler[]>();
  readonly #resync: Array<() => void> = [];
  readonly #log: FastifyBaseLogger;
  readonly #name: string;
  #healthy = false;
  #closed = false;

  /** `name` says which Redis in the logs ("cache Redis", "queue Redis"). */
  constructor(redis: Redis, log: FastifyBaseLogger, name = 'cache Redis') {
    this.#redis = redis;
    this.#log = log;
    this.#name = name;
    redis.on('message', (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel) ?? []) {
        try {
          handler(message);
        } catch (error) {
          this.#log.warn({ err: error, channel }, 'pub/sub handler failed');
        }
      }
    });
    redis.on('ready', () => void this.#subscribe());
    // Any drop of the connection may lose messages: unhealthy until subscribed again.
    redis.on('close', () => {
      if (this.#healthy)
        this.#log.warn(`${this.#name} pub/sub disconnected: in-process copies fall back to short ages`);
      this.#healthy = false;
    });
  }

  /** True while subscribed: broadcasts from other instances arrive. */
  get healthy(): boolean {
    return this.#healthy;
  }

  on(channel: string, handler: Handler): void {
    const list = this.#handlers.get(channel) ?? [];
    list.push(handler);
    this.#handlers.set(channel, list);
  }

  onResync(listener: () => void): void {
    this.#resync.push(listener);
  }

  /** Subscribes now if connected (the 'ready' event covers later connects). */
  async start(): Promise<void> {
    if (this.#redis.status === 'ready') await this.#subscribe();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#healthy = false;
    this.#redis.disconnect();
  }

  async #subscribe(): Promise<void> {
    // Before any listener joins (the connection can be up before the plugins that listen have loaded)
    // there is nothing to subscribe to: start() subscribes once they have.
    if (this.#closed || this.#handlers.size === 0) return;
    try {
      await this.#redis.subscribe(...this.#handlers.keys());
      const wasHealthy = this.#healthy;
      this.#healthy = true;
      if (!wasHealthy) for (const listener of this.#resync) listener();
    } catch (error) {
      this.#log.warn({ err: error }, `${this.#name} subscribe failed; retrying`);
      setTimeout(() => {
        if (this.#redis.status === 'ready') void this.#subscribe();
      }, 500).unref();
    }
  }
}
