// The operator's decision logic, pure: spec + observations + memory + now -> actions + memory.
// No Kubernetes, Redis or clock in here, so it is unit-tested table by table and replayed by the
// simulator; controller/ and standalone/ do the I/O around it.
export { dbUnderPressure } from './cache.ts';
export { decide, defaultBehavior } from './decide.ts';
export { field } from './pacing.ts';
export type { Action, Decision, HpaState, Memory, Observations, QueueObservation } from './types.ts';
export { emptyMemory } from './types.ts';
export { learnPerReplica, replicasNeeded } from './workers.ts';
