import type pg from 'pg';
import { parseLsn } from './lsn.ts';

export interface ReplicaState {
  readonly name: string;
  readonly up: boolean;
  /** WAL position the replica has replayed, when known. */
  readonly replayLsn: bigint | undefined;
  readonly lagBytes: number;
  readonly lagMs: number;
  readonly inRotation: boolean;
}

interface Sample {
  at: number;
  lsn: bigint;
}

export interface ReplicaMonitorOptions {
  primary: pg.Pool;
  replicas: ReadonlyArray<{ name: string; pool: pg.Pool }>;
  maxLagMs: number;
  intervalMs: number;
  now?: () => number;
  onChange?: (states: readonly ReplicaState[]) => void;
}

/**
 * Polls the primary's WAL position and each replica's replay position. Lag in time is measured
 * against the primary's own history: a replica is as far behind as the oldest primary position it
 * has not replayed yet. (pg_last_xact_replay_timestamp() would call an idle, caught-up replica
 * "minutes behind".)
 */
export class ReplicaMonitor {
  readonly #options: ReplicaMonitorOptions;
  readonly #now: () => number;
  #samples: Sample[] = [];
  #states: ReplicaState[];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ReplicaMonitorOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // Until the first poll answers, replicas are out of rotation: reads go to the primary.
    this.#states = options.replicas.map(({ name }) => ({
      name,
      up: false,
      replayLsn: undefined,
      lagBytes: 0,
      lagMs: 0,
      inRotation: false,
    }));
  }

  get states(): readonly ReplicaState[] {
    return this.#states;
  }

  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.#running = this.poll().finally(() => {
        this.#running = undefined;
        if (this.#timer) this.#timer = setTimeout(tick, this.#options.intervalMs).unref();
      });
    };
    this.#timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Takes a replica out of rotation at once, e.g. when a read on it failed to connect. */
  markDown(name: string): void {
    this.#states = this.#states.map((s) => (s.name === name ? { ...s, up: false, inRotation: false } : s));
    this.#options.onChange?.(this.#states);
  }

  /** One round of checks; exposed so tests and start-up can wait for a fresh view. */
  async poll(): Promise<void> {
    const primaryLsn = await this.#primaryLsn();
    const replays = await Promise.all(this.#options.replicas.map(({ pool }) => this.#replayLsn(pool)));
    const now = this.#now();
    this.#states = this.#options.replicas.map(({ name }, i) => {
      const replayLsn = replays[i];
      if (replayLsn === undefined) {
        return { name, up: false, replayLsn: undefined, lagBytes: 0, lagMs: 0, inRotation: false };
      }
      const behind = primaryLsn !== undefined && primaryLsn > replayLsn ? primaryLsn - replayLsn : 0n;
      const oldestUnreplayed = this.#samples.find((s) => s.lsn > replayLsn);
      const lagMs = behind > 0n && oldestUnreplayed ? now - oldestUnreplayed.at : 0;
      return {
        name,
        up: true,
        replayLsn,
        lagBytes: Number(behind),
        lagMs,
        inRotation: lagMs <= this.#options.maxLagMs,
      };
    });
    this.#options.onChange?.(this.#states);
  }

  async #primaryLsn(): Promise<bigint | undefined> {
    try {
      const { rows } = await this.#options.primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      const lsn = parseLsn(rows[0]?.lsn ?? '');
      const now = this.#now();
      const last = this.#samples.at(-1);
      if (!last || lsn > last.lsn) this.#samples.push({ at: now, lsn });
      // Keep only what can still matter: samples older than twice the bound are never needed.
      const horizon = now - 2 * this.#options.maxLagMs - this.#options.intervalMs;
      while (this.#samples.length > 1 && (this.#samples[1]?.at ?? now) < horizon) this.#samples.shift();
      return lsn;
    } catch {
      return undefined;
    }
  }

  async #replayLsn(pool: pg.Pool): Promise<bigint | undefined> {
    try {
      const { rows } = await pool.query<{ recovering: boolean; lsn: string | null }>(
        'SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS lsn',
      );
      const row = rows[0];
      // A promoted replica (no longer in recovery) is a primary now: not a read replica of ours.
      if (!row?.recovering || !row.lsn) return undefined;
      return parseLsn(row.lsn);
    } catch {
      return undefined;
    }
  }
}
