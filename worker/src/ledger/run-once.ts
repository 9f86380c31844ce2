import { ClaimHeldError } from '../errors.ts';
import type { IdempotencyLedger } from './ledger.ts';

/** What runOnce did: ran the effect now, or found it done before. */
export type RunOnceResult =
  | { outcome: 'done'; detail: string; tookOver: boolean }
  | { outcome: 'duplicate'; detail: string };

export interface RunOnceOptions {
  ledger: IdempotencyLedger;
  key: string;
  /** Identifies this attempt (the BullMQ lock token): a re-run of a dead attempt gets a new one. */
  token: string;
  leaseMs: number;
  /** Called when the lease could not be renewed (Redis away, or the claim lost while the effect ran). */
  onLeaseLost?: (error?: unknown) => void;
}

/**
 * Runs `effect` at most once per key while the ledger remembers the key: claim (with a lease kept
 * alive while the effect runs), effect, record. An effect that throws releases the claim, because a
 * failed send did not happen and the retry must not wait out the lease. If the process dies between
 * the effect and the record, the lease runs out and the next attempt runs the effect again: that gap
 * is the only way to a duplicate (docs/workers.md).
 * Throws ClaimHeldError when another live attempt holds the key.
 */
export async function runOnce(options: RunOnceOptions, effect: () => Promise<string>): Promise<RunOnceResult> {
  const { ledger, key, token, leaseMs, onLeaseLost } = options;
  const claim = await ledger.claim(key, token, leaseMs);
  if (claim.status === 'done') return { outcome: 'duplicate', detail: claim.detail };
  if (claim.status === 'busy') throw new ClaimHeldError(key, claim.retryInMs);

  const renewal = setInterval(
    () => {
      ledger.renew(key, token, leaseMs).then(
        (held) => held || onLeaseLost?.(),
        (error) => onLeaseLost?.(error),
      );
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  let detail: string;
  try {
    detail = await effect();
  } catch (error) {
    clearInterval(renewal);
    await ledger.release(key, token).catch(() => {});
    throw error;
  }
  clearInterval(renewal);
  await ledger.complete(key, token, detail);
  return { outcome: 'done', detail, tookOver: claim.tookOver };
}
