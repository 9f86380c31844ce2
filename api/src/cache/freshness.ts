/**
 * What a cached value's age allows. Tag invalidation, not the TTL, keeps values correct (a write drops
 * every value it changes), so a value past its TTL is old, not wrong: it may be served while a fresh
 * copy loads in the background, and a hot value is reloaded shortly before its TTL so it never expires
 * into a miss.
 *
 * - `fresh`: serve it.
 * - `refresh`: serve it and reload it in the background (refresh-ahead: the last part of the TTL).
 * - `stale`: past the TTL but within the grace period: serve it and reload it in the background
 *   (stale-while-revalidate).
 * - `expired`: past the grace period too: load before answering.
 *
 * A remembered absence (negative entry) is never served past its TTL: a row created meanwhile must show.
 */
export type Freshness = 'fresh' | 'refresh' | 'stale' | 'expired';

export interface FreshnessPolicy {
  ttlMs: number;
  graceMs: number;
  /** Fraction of the TTL after which a served value is reloaded in the background; 1 turns refresh-ahead off. */
  refreshAheadRatio: number;
}

export function freshness(ageMs: number, absent: boolean, p: FreshnessPolicy): Freshness {
  // An entry stamped by an instance whose clock runs ahead has a negative age: it is new, not invalid.
  const age = Math.max(0, ageMs);
  if (age < p.ttlMs * p.refreshAheadRatio) return 'fresh';
  if (age < p.ttlMs) return absent ? 'fresh' : 'refresh';
  if (absent) return 'expired';
  return age < p.ttlMs + p.graceMs ? 'stale' : 'expired';
}
