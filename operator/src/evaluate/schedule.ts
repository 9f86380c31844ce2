/** One policy's place in the {@link Schedule}. */
interface Entry {
  generation?: number;
  intervalMs: number;
  /** When it is next due (ms since the epoch); meaningless while running. */
  dueAt: number;
  running: boolean;
  /** Its spec changed while it was being evaluated: evaluate again as soon as that one ends. */
  rerun: boolean;
}

/**
 * When each policy is evaluated: on its own interval, counted from the start of its last evaluation,
 * never two evaluations of one policy at a time, and at once when it is new or its spec changed
 * (a new `metadata.generation`). Plain state over times passed in, so tests drive it with numbers;
 * the controller keeps one timer at {@link Schedule.next}.
 */
export class Schedule {
  readonly #entries = new Map<string, Entry>();

  /** Adds a policy, or updates one (the watch saw it again); due at once when new or its generation moved. */
  set(name: string, o: { generation?: number; intervalMs: number }, now: number): void {
    const e = this.#entries.get(name);
    if (!e) {
      this.#entries.set(name, { ...o, dueAt: now, running: false, rerun: false });
      return;
    }
    e.intervalMs = o.intervalMs;
    if (e.generation === o.generation) return;
    e.generation = o.generation;
    if (e.running) e.rerun = true;
    else e.dueAt = now;
  }

  /** Forgets a policy (deleted); an evaluation still running ends without being rescheduled. */
  delete(name: string): void {
    this.#entries.delete(name);
  }

  /** Whether an evaluation of the policy is under way. */
  running(name: string): boolean {
    return this.#entries.get(name)?.running ?? false;
  }

  /** The policies due at `now` that are not being evaluated; they count as running from here. */
  take(now: number): string[] {
    const due: string[] = [];
    for (const [name, e] of this.#entries)
      if (!e.running && e.dueAt <= now) {
        e.running = true;
        due.push(name);
      }
    return due;
  }

  /**
   * An evaluation begun at `startedAt` ended at `now`: next due one interval after its start — at once
   * when it took longer than that, or when the spec changed meanwhile.
   */
  done(name: string, startedAt: number, now: number): void {
    const e = this.#entries.get(name);
    if (!e) return;
    e.running = false;
    e.dueAt = e.rerun ? now : Math.max(startedAt + e.intervalMs, now);
    e.rerun = false;
  }

  /** The earliest time a policy that is not running falls due; undefined when none can. */
  next(): number | undefined {
    let at: number | undefined;
    for (const e of this.#entries.values()) if (!e.running && (at === undefined || e.dueAt < at)) at = e.dueAt;
    return at;
  }
}
