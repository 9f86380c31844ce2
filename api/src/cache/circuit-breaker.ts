/** The subset of an ioredis client the breaker looks at. */
interface HasStatus {
  readonly status: string;
}

/**
 * Keeps requests away from a sick Redis: after a failure, Redis is skipped for `breakMs`, then tried
 * again by the next request (half-open). A client that is not connected is skipped without trying, so
 * a stopped Redis costs a request nothing. One breaker per Redis connection, shared by its users.
 */
export class CircuitBreaker {
  readonly #redis: HasStatus;
  readonly #breakMs: number;
  readonly #onChange: (available: boolean) => void;
  #openUntil = 0;
  #lastReported: boolean | undefined;

  constructor(redis: HasStatus, breakMs: number, onChange: (available: boolean) => void = () => {}) {
    this.#redis = redis;
    this.#breakMs = breakMs;
    this.#onChange = onChange;
  }

  /** True when a call to Redis is worth trying now. */
  available(): boolean {
    const ok = this.#redis.status === 'ready' && Date.now() >= this.#openUntil;
    if (ok !== this.#lastReported) {
      this.#lastReported = ok;
      this.#onChange(ok);
    }
    return ok;
  }

  /** Records a failed call: Redis is left alone for the break duration. */
  failure(): void {
    this.#openUntil = Date.now() + this.#breakMs;
    this.available();
  }

  /** Runs `fn` when available; `fallback` when not or when it fails. */
  async run<T>(fn: () => Promise<T>, fallback: T, onError?: (error: unknown) => void): Promise<T> {
    if (!this.available()) return fallback;
    try {
      return await fn();
    } catch (error) {
      this.failure();
      onError?.(error);
      return fallback;
    }
  }
}
