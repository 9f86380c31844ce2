import { Ring } from './ring.ts';

/** How much history to keep, in two resolutions. */
export interface HistoryOptions {
  /** Seconds between points of the fine ring (the scrape interval). */
  fineStepSeconds: number;
  fineSeconds: number;
  coarseStepSeconds: number;
  coarseSeconds: number;
  /** New series beyond this many are dropped (counted in `droppedSeries`). */
  maxSeries: number;
}

/** A range answer: times in ms and one column per series, null where there was no value. */
export interface RangeData {
  stepSeconds: number;
  times: number[];
  series: Record<string, Array<number | null>>;
}

/**
 * The in-memory history of scrape mode: the last hour (by default) at the scrape interval, and the last
 * day as per-step means, each in a fixed ring, so memory is bounded by configuration, not by uptime.
 * Ranges are served from the fine ring when it reaches back far enough, else from the coarse one.
 */
export class History {
  readonly o: HistoryOptions;
  readonly #fine: Ring;
  readonly #coarse: Ring;
  #known = new Set<string>();
  #bucket?: { start: number; sums: Map<string, { sum: number; n: number }> };
  droppedSeries = 0;

  constructor(o: HistoryOptions) {
    this.o = o;
    this.#fine = new Ring(Math.ceil(o.fineSeconds / o.fineStepSeconds) + 1);
    this.#coarse = new Ring(Math.max(1, Math.ceil(o.coarseSeconds / o.coarseStepSeconds)));
  }

  /** Records one tick's values (series id -> value; absent or NaN = no value). */
  append(time: number, values: ReadonlyMap<string, number>): void {
    const kept = new Map<string, number>();
    for (const [id, v] of values) {
      if (!this.#known.has(id)) {
        if (this.#known.size >= this.o.maxSeries) {
          this.droppedSeries++;
          continue;
        }
        this.#known.add(id);
      }
      kept.set(id, v);
    }
    this.#fine.push(time, kept);
    this.#toCoarse(time, kept);
  }

  #toCoarse(time: number, values: ReadonlyMap<string, number>): void {
    const stepMs = this.o.coarseStepSeconds * 1000;
    const start = Math.floor(time / stepMs) * stepMs;
    if (this.#bucket && this.#bucket.start !== start) this.#flush();
    this.#bucket ??= { start, sums: new Map() };
    for (const [id, v] of values) {
      if (Number.isNaN(v)) continue;
      const s = this.#bucket.sums.get(id) ?? { sum: 0, n: 0 };
      s.sum += v;
      s.n++;
      this.#bucket.sums.set(id, s);
    }
  }

  #flush(): void {
    const b = this.#bucket;
    if (!b) return;
    this.#coarse.push(b.start, new Map([...b.sums].map(([id, s]) => [id, s.sum / s.n])));
    this.#bucket = undefined;
    // A series that left both rings (a route that went away) no longer counts against the bound.
    if (this.#coarse.size % 60 === 0) {
      this.#fine.prune();
      this.#coarse.prune();
      this.#known.clear();
      for (const id of [...this.#fine.ids(), ...this.#coarse.ids()]) this.#known.add(id);
    }
  }

  /** Points since `from` (ms): fine resolution when the fine ring reaches back that far. */
  range(from: number): RangeData {
    const oldestFine = this.#fine.oldest;
    const fineCovers = this.#coarse.size === 0 || (oldestFine !== undefined && oldestFine <= from);
    if (fineCovers || from >= Date.now() - this.o.fineSeconds * 1000) {
      return { stepSeconds: this.o.fineStepSeconds, ...this.#fine.since(from) };
    }
    return { stepSeconds: this.o.coarseStepSeconds, ...this.#coarse.since(from) };
  }

  get points(): number {
    return this.#fine.size;
  }

  get seriesCount(): number {
    return this.#known.size;
  }
}
