import type { ApiSpec, BehaviorSpec, CacheSpec } from '../crd/index.ts';
import { change, type PartResult } from './api.ts';
import { clamp, field, intervalPassed } from './pacing.ts';
import type { Memory, Observations } from './types.ts';

/**
 * Whether the database is under pressure: its query rate is over the policy's threshold, or the API
 * misses its latency SLO. `undefined` when neither can be told (no data: no TTL moves).
 */
export function dbUnderPressure(cache: CacheSpec, api: ApiSpec | undefined, obs: Observations): boolean | undefined {
  const byRate = obs.dbQueriesPerSecond === undefined ? undefined : obs.dbQueriesPerSecond > cache.dbQueriesPerSecond;
  const byLatency = api && obs.p95LatencyMs !== undefined ? obs.p95LatencyMs > api.p95LatencyMs : undefined;
  if (byRate === undefined && byLatency === undefined) return undefined;
  return byRate === true || byLatency === true;
}

/**
 * Cache TTLs per class: double while the hit rate is under target and the database is under pressure
 * (longer-lived entries trade freshness for fewer loads); halfway back to the default once the pressure
 * is gone; hold while the hit rate is on target or unknown. Always within the class's bounds; changes
 * under 5% are skipped (hysteresis).
 */
export function decideCache(
  cache: CacheSpec,
  api: ApiSpec | undefined,
  b: BehaviorSpec,
  obs: Observations,
  memory: Memory,
  now: number,
): PartResult {
  const out: PartResult = { actions: [], holds: [] };
  const pressure = dbUnderPressure(cache, api, obs);
  for (const cls of cache.classes) {
    const key = field.cacheTtl(cls.name);
    const { min, max, default: dflt } = cls.ttlSeconds;
    const current = obs.cacheTtls?.[cls.name] ?? memory.ttls[cls.name] ?? dflt;
    const hitRate = obs.cacheHitRates[cls.name];
    let to = current;
    let reason = '';
    if (hitRate === undefined || pressure === undefined) {
      out.holds.push(`${key}: hit rate or database pressure unknown, holding ${current} s`);
      continue;
    }
    if (pressure && hitRate < cache.hitRateTarget) {
      to = Math.min(max, current * 2);
      reason = `hit rate ${pct(hitRate)} < target ${pct(cache.hitRateTarget)} with the database under pressure`;
    } else if (!pressure && current !== dflt) {
      const half = current + (dflt - current) / 2;
      to = Math.abs(half - dflt) <= dflt * 0.05 ? dflt : Math.round(half);
      reason = 'database not under pressure: back toward the default';
    }
    to = clamp(Math.round(to), min, max);
    if (to !== current && current !== clamp(current, min, max)) reason ||= 'outside the class bounds';
    if (to === current) continue;
    if (Math.abs(to - current) < current * 0.05 && to !== dflt && to !== min && to !== max) {
      out.holds.push(`${key}: change under 5%, skipped`);
      continue;
    }
    if (!intervalPassed(memory, key, b.ttlIntervalSeconds, now)) {
      out.holds.push(`${key}: paced`);
      continue;
    }
    memory.ttls[cls.name] = to;
    const r = change({ kind: 'cacheTtl', cls: cls.name, target: key, from: current, to, reason }, memory, now);
    out.actions.push(...r.actions);
  }
  return out;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
