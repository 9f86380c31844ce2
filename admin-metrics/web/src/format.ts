import type { Decision, Unit } from './types.ts';

const n = (v: number, digits: number) => v.toLocaleString('en-GB', { maximumFractionDigits: digits });

/** A value in its unit, short enough for an axis or the big number. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  switch (unit) {
    case 'perSecond':
      return `${n(v, v < 10 ? 2 : 1)}/s`;
    case 'ratio':
      return `${n(v * 100, v > 0.999 || v < 0.001 ? 2 : 1)} %`;
    case 'seconds':
      if (v === 0) return '0 s';
      return v < 1 ? `${n(v * 1000, v < 0.01 ? 2 : 1)} ms` : v < 120 ? `${n(v, 1)} s` : `${n(v / 60, 1)} min`;
    case 'count':
      return n(v, v < 10 ? 1 : 0);
    case 'perRequest':
      return n(v, 2);
    case 'percent':
      return `${n(v, 0)} %`;
  }
}

export const clock = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

const observedNames: Record<string, [string, Unit | 'ms' | 'raw']> = {
  p95LatencyMs: ['p95 latency', 'ms'],
  sloMs: ['SLO', 'ms'],
  requestsPerSecond: ['requests', 'perSecond'],
  cpuUtilization: ['CPU use', 'percent'],
  backlog: ['jobs waiting', 'raw'],
  oldestWaitSeconds: ['oldest wait', 'seconds'],
  maxWaitSeconds: ['allowed wait', 'seconds'],
  arrivalPerSecond: ['arriving', 'perSecond'],
  completedPerSecond: ['done', 'perSecond'],
  workers: ['workers', 'raw'],
  hitRate: ['hit rate', 'ratio'],
  hitRateTarget: ['target', 'ratio'],
  dbQueriesPerSecond: ['database queries', 'perSecond'],
  dbPressureQueriesPerSecond: ['busy above', 'perSecond'],
};

/** The values a decision reacted to, in words: "p95 latency 62 ms · SLO 50 ms · requests 41/s". */
export function observedText(d: Decision): string {
  return Object.entries(d.observed)
    .map(([k, v]) => {
      const [label, unit] = observedNames[k] ?? [k, 'raw'];
      const text = unit === 'ms' ? `${n(v, 1)} ms` : unit === 'raw' ? n(v, 2) : formatValue(v, unit);
      return `${label} ${text}`;
    })
    .join(' · ');
}

/** What changed, in words: "API CPU target 80 % → 64 %". */
export function changeText(d: Decision): string {
  if (d.kind === 'cacheTtl') return `TTL of ${d.cacheClass} ${seconds(d.from)} → ${seconds(d.to)}`;
  if (d.kind === 'cpuTarget') return `CPU target of ${d.hpa} ${d.from} % → ${d.to} %`;
  return `replica floor of ${d.hpa}${d.queue ? ` (queue ${d.queue})` : ''} ${d.from} → ${d.to}`;
}

export const modeText = (d: Decision) =>
  d.mode === 'applied' ? 'applied' : d.mode === 'dryRun' ? 'dry run: reported, not applied' : 'refused';

const seconds = (s: number) => (s >= 60 && s % 60 === 0 ? `${s / 60} min` : `${s} s`);
