// The shapes the server sends (admin-metrics/src/live.ts); kept apart so the page never imports Node code
// (type-only imports from core are erased by the bundler).
import type { DecisionRecord } from '@avelon/core/metrics/decisions.ts';

export type Unit = 'perSecond' | 'ratio' | 'seconds' | 'count' | 'perRequest' | 'percent';
export type Role = 'api' | 'worker' | 'operator';

export interface PanelInfo {
  id: string;
  section: string;
  title: string;
  help: string;
  unit: Unit;
  targets: Array<{ label: string; value: number }>;
  hasDecisions: boolean;
  roles: Role[];
}

export interface SourceState {
  role: Role;
  state: 'up' | 'partial' | 'unreachable' | 'unconfigured';
  up: number;
  total: number;
  lastOk?: number;
  error?: string;
}

/** A decision as the server sends it: the operator's record (a contract in core), placed on a panel. */
export type Decision = DecisionRecord & { panel: string | null };

export interface OperatorState {
  state: 'up' | 'unreachable' | 'unconfigured';
  lastOk?: number;
  error?: string;
}

export interface Overview {
  mode: 'scrape' | 'prometheus';
  range: RangeName;
  now: number;
  intervalMs: number;
  historySeconds: number | null;
  panels: PanelInfo[];
  data: { stepSeconds: number; times: number[]; series: Record<string, Array<number | null>> };
  decisions: Decision[];
  sources: SourceState[];
  operator: OperatorState;
}

export interface LiveUpdate {
  tick: { time: number; values: Record<string, number>; sources: SourceState[] };
  operator: OperatorState;
  decisions: Decision[];
}

export type RangeName = '5m' | '1h' | '24h';
export const rangeSeconds: Record<RangeName, number> = { '5m': 300, '1h': 3600, '24h': 86_400 };
