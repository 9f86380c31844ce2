// The one interface every chaos experiment implements (one file each under experiments/, like keda's
// scalers): what it faults, how it injects the fault while the load runs, and how it puts the stack
// back whatever happened. The runner (run-experiment.ts) owns everything else: the stack, the
// processes, the load and the accounting.
import type { Platform } from './platform.ts';

/**
 * Which requests of the load the faulted dependency itself must take part in writing: they may fail
 * (cleanly) while it is faulted, and are counted apart. `primary`: cart and checkout writes (they go
 * to the primary through PgBouncer). `none`: every request should still succeed.
 */
export type OwnWrites = 'primary' | 'none';

/** What an experiment can do to the running platform while the load runs. */
export interface FaultContext {
  readonly platform: Platform;
  /** Records a point of the timeline ("fault", "healed", ...); the first one starts the recovery clock. */
  mark(label: string): void;
  /** Waits, unless the run is being torn down. */
  sleep(ms: number): Promise<void>;
  /**
   * How long the experiment's main fault lasts (its own default unless the caller shortened it, as the
   * integration test does).
   */
  readonly faultMs: number;
}

export interface Experiment {
  /** Stable name, used on the command line and in the JSON: `redis-cache-kill`. */
  readonly name: string;
  /** One line for the report. */
  readonly title: string;
  /** What the experiment does, step by step, for the report. */
  readonly fault: string;
  readonly ownWrites: OwnWrites;
  /** Default length of the main fault. */
  readonly defaultFaultMs: number;
  /** True when the API must reach Postgres and Redis through the fault proxy (toxiproxy). */
  readonly proxied?: boolean;
  /** Injects the fault under load; returns once the fault is over (every part is back). */
  inject(ctx: FaultContext): Promise<void>;
  /** Puts the stack back as it was, whatever state inject() left (called after every run, also on failure). */
  restore(platform: Platform): Promise<void>;
}
