import type { ClaimResult, IdempotencyLedger, LedgerRecord } from './ledger.ts';

interface Entry {
  state: 'sending' | 'free' | 'done';
  token?: string | undefined;
  leaseUntil: number;
  detail?: string;
  tookOver: boolean;
  expiresAt: number;
}

/**
 * The ledger in one process's memory: for unit tests, and the reference the Redis ledger must match
 * (both pass ledger-conformance.ts).
 */
export class MemoryLedger implements IdempotencyLedger {
  readonly #entries = new Map<string, Entry>();
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(retentionMs: number, now: () => number = Date.now) {
    this.#retentionMs = retentionMs;
    this.#now = now;
  }

  async claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const now = this.#now();
    const e = this.#get(key, now);
    if (e?.state === 'done') return { status: 'done', detail: e.detail ?? '' };
    let took = false;
    if (e?.state === 'sending' && e.token !== token) {
      if (e.leaseUntil > now) return { status: 'busy', retryInMs: e.leaseUntil - now };
      took = true;
    }
    this.#entries.set(key, {
      state: 'sending',
      token,
      leaseUntil: now + leaseMs,
      tookOver: took || (e?.tookOver ?? false),
      expiresAt: now + this.#retentionMs,
    });
    return { status: 'claimed', tookOver: took };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const now = this.#now();
    const e = this.#get(key, now);
    if (e?.state !== 'sending' || e.token !== token) return false;
    e.leaseUntil = now + leaseMs;
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    const e = this.#get(key, this.#now());
    if (e?.state !== 'sending' || e.token !== token) return;
    e.state = 'free';
    e.token = undefined;
    e.leaseUntil = 0;
  }

  async complete(key: string, _token: string, detail: string): Promise<void> {
    const now = this.#now();
    const e = this.#get(key, now);
    this.#entries.set(key, {
      state: 'done',
      leaseUntil: 0,
      detail,
      tookOver: e?.tookOver ?? false,
      expiresAt: now + this.#retentionMs,
    });
  }

  async inspect(key: string): Promise<LedgerRecord | undefined> {
    const e = this.#get(key, this.#now());
    if (!e || e.state === 'free') return undefined;
    return { state: e.state, ...(e.detail !== undefined ? { detail: e.detail } : {}), tookOver: e.tookOver };
  }

  #get(key: string, now: number): Entry | undefined {
    const e = this.#entries.get(key);
    if (e && e.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }
}
