/**
 * The idempotency ledger: one record per job kind + entity (`jobEntityKey`), so a retry, a stalled
 * re-run or a duplicate enqueue of a job whose effect already happened does nothing. An attempt first
 * claims the record with a lease ("sending"), performs the effect, then marks it done. A claim held
 * by a live attempt makes others wait; a claim whose lease ran out (its owner died) can be taken over.
 */
export interface IdempotencyLedger {
  /** Claims `key` for the attempt `token`, unless it is done or another live attempt holds it. */
  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult>;
  /** Extends the lease of a claim this token holds; false when the token no longer holds it. */
  renew(key: string, token: string, leaseMs: number): Promise<boolean>;
  /** Gives up a claim this token holds (the effect did not happen), so the next attempt may run now. */
  release(key: string, token: string): Promise<void>;
  /** Records that the effect happened; `detail` (a Message-ID, a row id) is kept with the record. */
  complete(key: string, token: string, detail: string): Promise<void>;
  /** The record of `key`, for diagnostics and tests. */
  inspect(key: string): Promise<LedgerRecord | undefined>;
}

export type ClaimResult =
  /** This attempt owns the key; `tookOver` when it replaced the expired claim of a dead attempt. */
  | { status: 'claimed'; tookOver: boolean }
  /** The effect already happened. */
  | { status: 'done'; detail: string }
  /** Another attempt holds the claim; ask again after `retryInMs`. */
  | { status: 'busy'; retryInMs: number };

export interface LedgerRecord {
  state: 'sending' | 'done';
  detail?: string;
  /** The effect ran after a takeover: the earlier attempt may have done it too (the duplicate window). */
  tookOver: boolean;
}

/** Ledger keys live next to the queues, under the same prefix. */
export function ledgerKey(prefix: string, kind: string, entityKey: string): string {
  return `${prefix}:ledger:${kind}:${entityKey}`;
}
