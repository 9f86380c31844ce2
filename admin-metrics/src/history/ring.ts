/**
 * A fixed-size ring of time points with one column per series: Float64Arrays allocated once, NaN for
 * "no value" (unreachable, or nothing happened), so memory is capacity x series x 8 bytes whatever runs.
 */
export class Ring {
  readonly capacity: number;
  readonly #times: Float64Array;
  readonly #columns = new Map<string, Float64Array>();
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#times = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Oldest time held (ms), or undefined when empty. */
  get oldest(): number | undefined {
    return this.#size ? this.#times[(this.#next - this.#size + this.capacity) % this.capacity] : undefined;
  }

  get seriesCount(): number {
    return this.#columns.size;
  }

  ids(): string[] {
    return [...this.#columns.keys()];
  }

  /** Appends one point; series absent from `values` get NaN at this time. */
  push(time: number, values: ReadonlyMap<string, number>): void {
    const i = this.#next;
    this.#times[i] = time;
    for (const column of this.#columns.values()) column[i] = Number.NaN;
    for (const [id, v] of values) {
      let column = this.#columns.get(id);
      if (!column) {
        column = new Float64Array(this.capacity).fill(Number.NaN);
        this.#columns.set(id, column);
      }
      column[i] = v;
    }
    this.#next = (i + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** The points at or after `from` (ms), oldest first; NaN becomes null (JSON has no NaN). */
  since(from: number): { times: number[]; series: Record<string, Array<number | null>> } {
    const times: number[] = [];
    const idx: number[] = [];
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#next - this.#size + k + this.capacity) % this.capacity;
      const t = this.#times[i] as number;
      if (t >= from) {
        times.push(t);
        idx.push(i);
      }
    }
    const series: Record<string, Array<number | null>> = {};
    for (const [id, column] of this.#columns) {
      const values = idx.map((i) => {
        const v = column[i] as number;
        return Number.isNaN(v) ? null : v;
      });
      if (values.some((v) => v !== null)) series[id] = values;
    }
    return { times, series };
  }

  /** Drops series no point holds any more (a route or replica that went away). */
  prune(): void {
    for (const [id, column] of this.#columns) if (column.every((v) => Number.isNaN(v))) this.#columns.delete(id);
  }
}
