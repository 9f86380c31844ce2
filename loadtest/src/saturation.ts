// Saturation throughput, open model: offer a constant arrival rate for a few seconds, raise it step by
// step until the server breaks (p99 past a bound, errors, or it no longer keeps up with what is offered),
// then bisect between the last good and the first broken rate. Closed-loop "as fast as N connections go"
// would hide the queueing (coordinated omission); here a server past its capacity shows as a broken step.

/** What one step measured. */
export interface StepResult {
  /** Offered requests a second. */
  rate: number;
  /** Successful answers a second. */
  throughput: number;
  /** Share of requests answered 2xx. */
  success: number;
  p99: number;
}

export interface BreakCriteria {
  /** p99 above this (ms) is broken. */
  p99Ms: number;
  /** Success share below this is broken. */
  minSuccess: number;
  /** Throughput ÷ offered rate below this is broken (the server fell behind the arrivals). */
  minKeepUp: number;
}

export const breakDefaults: BreakCriteria = { p99Ms: 250, minSuccess: 0.99, minKeepUp: 0.95 };

/** Why a step is broken, or undefined when it held. */
export function brokenBy(s: StepResult, c: BreakCriteria = breakDefaults): string | undefined {
  if (s.success < c.minSuccess) return `success ${s.success.toFixed(3)} < ${c.minSuccess}`;
  if (s.throughput < c.minKeepUp * s.rate)
    return `throughput ${s.throughput.toFixed(0)}/s < ${c.minKeepUp} × ${s.rate}/s`;
  if (s.p99 > c.p99Ms) return `p99 ${s.p99.toFixed(1)} ms > ${c.p99Ms} ms`;
  return undefined;
}

export interface SearchState {
  /** Highest rate that held, and lowest that broke, so far. */
  good?: number;
  broken?: number;
  steps: number;
}

export interface SearchOptions {
  /** First rate offered (a hint, e.g. half of a closed-loop figure). */
  start: number;
  /** Factor between steps while no bound is known on that side. */
  growth: number;
  /** Steps at most, bisection included. */
  maxSteps: number;
  /** Stop bisecting when broken ÷ good is at most this. */
  resolution: number;
  /** Never offer less than this. */
  minRate: number;
  criteria: BreakCriteria;
}

export const searchDefaults: Omit<SearchOptions, 'start'> = {
  growth: 1.25,
  maxSteps: 8,
  resolution: 1.1,
  minRate: 5,
  criteria: breakDefaults,
};

/** The next rate to offer, or undefined when the search is over. */
export function nextRate(s: SearchState, o: Omit<SearchOptions, 'criteria'>): number | undefined {
  if (s.steps >= o.maxSteps) return undefined;
  if (s.good === undefined && s.broken === undefined) return Math.max(o.minRate, Math.round(o.start));
  if (s.broken === undefined) return Math.round((s.good as number) * o.growth);
  if (s.good === undefined) {
    const down = Math.round(s.broken / o.growth);
    return s.broken <= o.minRate ? undefined : Math.max(o.minRate, down);
  }
  if (s.broken / s.good <= o.resolution) return undefined;
  return Math.round((s.good + s.broken) / 2);
}

export interface Saturation {
  /** Highest rate that held (0 when none did) and the throughput measured at it. */
  rate: number;
  throughput: number;
  steps: Array<StepResult & { broken?: string }>;
}

/** Runs the search with `measure` (one open-model step at a rate). */
export async function findSaturation(
  measure: (rate: number) => Promise<StepResult>,
  options: Partial<SearchOptions> & { start: number },
): Promise<Saturation> {
  const o: SearchOptions = { ...searchDefaults, ...options };
  const state: SearchState = { steps: 0 };
  const steps: Saturation['steps'] = [];
  let best: StepResult | undefined;
  for (let rate = nextRate(state, o); rate !== undefined; rate = nextRate(state, o)) {
    const r = await measure(rate);
    const broken = brokenBy(r, o.criteria);
    steps.push({ ...r, ...(broken ? { broken } : {}) });
    state.steps++;
    if (broken) state.broken = Math.min(state.broken ?? rate, rate);
    else if (rate > (state.good ?? 0)) {
      state.good = rate;
      best = r;
    }
  }
  return { rate: best?.rate ?? 0, throughput: best?.throughput ?? 0, steps };
}
