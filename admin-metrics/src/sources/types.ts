import type { Role } from '../panels/scrape-view.ts';

/** Whether a service's metrics could be read at the last tick. Unreachable is shown as such, never as 0. */
export interface SourceState {
  role: Role;
  state: 'up' | 'partial' | 'unreachable' | 'unconfigured';
  /** Targets that answered, of those found. */
  up: number;
  total: number;
  /** Last time (ms) at least one target answered. */
  lastOk?: number;
  error?: string;
}

/** One reading of every series: id (`panel/family/legend`) -> value. */
export interface Tick {
  time: number;
  values: Record<string, number>;
  sources: SourceState[];
}

/** Where series values come from: the services' /metrics (scrape) or a Prometheus. */
export interface Collector {
  readonly mode: 'scrape' | 'prometheus';
  tick(now: number): Promise<Tick>;
}

export const seriesId = (panel: string, family: string, legend: string) => `${panel}/${family}/${legend}`;
