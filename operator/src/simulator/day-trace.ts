import type { Trace } from './trace.ts';

/** A flash sale on top of the day: the arrival rate times `multiplier` for `holdSeconds`. */
export interface FlashSale {
  /** Second of the day the ramp starts. */
  startSeconds: number;
  /** Seconds from the day's rate to `multiplier` times it (a sale announced for a given minute). */
  rampSeconds: number;
  holdSeconds: number;
  /** Seconds back down to the day's rate. */
  decaySeconds: number;
  multiplier: number;
  /** Jobs per request while the sale runs at full height (more orders per visit than on a normal day). */
  jobsPerRequest: number;
}

/** What {@link dayWithFlashSale} draws: a diurnal curve of requests, jobs in proportion, one sale. */
export interface DayOptions {
  name: string;
  /** The day's highest request rate before the sale (req/s). */
  peakRps: number;
  /** The night's rate as a share of the peak. */
  nightShare: number;
  /** The lunch peak as a share of the evening peak. */
  lunchShare: number;
  /** Jobs per request outside the sale. */
  jobsPerRequest: number;
  sale: FlashSale;
  /** Seconds between two points of the curve (linearly interpolated between them). */
  stepSeconds: number;
  /** Each point is moved by up to ± this share, from a seeded generator (same seed, same trace). */
  noise: number;
  seed: number;
  model: Trace['model'];
  slo: Trace['slo'];
  bounds: Trace['bounds'];
}

const day = 86_400;

/**
 * The day's shape, 0..1 of the peak: two Gaussian bumps (lunch around 12:30, evening around 20:30) over a
 * night floor, the usual curve of a consumer shop in one time zone. Hours wrap around midnight.
 */
export function diurnalShare(second: number, nightShare: number, lunchShare: number): number {
  const hour = (second % day) / 3600;
  const bump = (centre: number, width: number) => {
    const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
    return Math.exp(-(d * d) / (2 * width * width));
  };
  return nightShare + (1 - nightShare) * Math.max(lunchShare * bump(12.5, 2), bump(20.5, 2.5));
}

/** The sale's multiplier of the day's rate at second `t`: 1 outside, up linearly, flat, down linearly. */
export function saleFactor(sale: FlashSale, t: number): number {
  const { startSeconds: s, rampSeconds: r, holdSeconds: h, decaySeconds: d, multiplier: m } = sale;
  if (t <= s || t >= s + r + h + d) return 1;
  if (t < s + r) return 1 + ((m - 1) * (t - s)) / r;
  if (t <= s + r + h) return m;
  return m - ((m - 1) * (t - s - r - h)) / d;
}

/** mulberry32: a tiny seeded generator, so the noise (and every result computed from it) is repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A 24-hour trace: the diurnal curve sampled every `stepSeconds` with seeded noise, plus the sale's four
 * corners as points of their own, so the interpolation draws the ramp and the hold exactly.
 */
export function dayWithFlashSale(o: DayOptions): Trace {
  const random = seeded(o.seed);
  const { sale } = o;
  const up = sale.startSeconds + sale.rampSeconds;
  const down = up + sale.holdSeconds;
  const times = new Set<number>([sale.startSeconds, up, down, down + sale.decaySeconds]);
  for (let t = 0; t <= day; t += o.stepSeconds) times.add(t);
  const points: Trace['points'] = [...times]
    .sort((a, b) => a - b)
    .map((t) => {
      const jitter = 1 + o.noise * (2 * random() - 1);
      const base = o.peakRps * diurnalShare(t, o.nightShare, o.lunchShare) * jitter;
      const f = saleFactor(sale, t);
      const rps = base * f;
      // Jobs per request move from the day's ratio to the sale's as the sale builds up.
      const share = sale.multiplier === 1 ? 0 : (f - 1) / (sale.multiplier - 1);
      const jobsPerRequest = o.jobsPerRequest + (sale.jobsPerRequest - o.jobsPerRequest) * share;
      return [t, round(rps), round(rps * jobsPerRequest)];
    });
  const hhmm = (s: number) =>
    `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
  return {
    name: o.name,
    description:
      `24 hours: ${Math.round(o.nightShare * o.peakRps)} req/s at night, peaks of ${Math.round(o.lunchShare * o.peakRps)} ` +
      `(lunch) and ${Math.round(o.peakRps)} req/s (evening), ±${Math.round(o.noise * 100)}% noise every ` +
      `${o.stepSeconds / 60} min; jobs ${o.jobsPerRequest} per request. Flash sale at ${hhmm(sale.startSeconds)}: ` +
      `${sale.multiplier}× the day's rate within ${sale.rampSeconds} s for ${sale.holdSeconds / 60} min, ` +
      `${sale.jobsPerRequest} jobs per request, back over ${sale.decaySeconds / 60} min.`,
    durationSeconds: day,
    model: o.model,
    slo: o.slo,
    bounds: o.bounds,
    points,
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
