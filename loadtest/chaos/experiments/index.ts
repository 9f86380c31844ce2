// Every chaos experiment by name, in the order `make chaos` runs them (the one place that maps a name to
// its experiment, like keda's scalers builder). To add one: a file beside this one, and a line here.
import type { Experiment } from '../experiment.ts';
import { dbToxics } from './db-toxics.ts';
import { pgbouncerRestart } from './pgbouncer-restart.ts';
import { primaryRestart } from './primary-restart.ts';
import { redisCacheKill } from './redis-cache-kill.ts';
import { redisQueueRestart } from './redis-queue-restart.ts';
import { redisToxics } from './redis-toxics.ts';
import { replicaOutage } from './replica-outage.ts';
import { workerKill } from './worker-kill.ts';

export const experiments: readonly Experiment[] = [
  redisCacheKill,
  redisQueueRestart,
  replicaOutage,
  pgbouncerRestart,
  primaryRestart,
  workerKill,
  dbToxics,
  redisToxics,
];

/** The experiments named (all when none), in run order; throws on an unknown name. */
export function selectExperiments(names: readonly string[]): Experiment[] {
  if (names.length === 0) return [...experiments];
  const known = new Map(experiments.map((e) => [e.name, e]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw new Error(`unknown experiment(s): ${unknown.join(', ')}; known: ${[...known.keys()].join(', ')}`);
  }
  return experiments.filter((e) => names.includes(e.name));
}
