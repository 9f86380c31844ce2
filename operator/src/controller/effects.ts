import type { Action, HpaState } from '../decide/index.ts';
import type { EventReason } from '../evaluate/index.ts';

/**
 * Everything a policy evaluation does to the outside world, behind one interface: the cluster
 * implementation (cluster-effects.ts) talks to the apiserver and the cache Redis; standalone mode's
 * keeps HPAs virtual (it only reports them) and writes TTLs for real.
 */
export interface Effects {
  /** Reads an HPA's steerable fields; throws HpaNotFoundError, KedaManagedHpaError or NoCpuMetricError. */
  readHpa(name: string): Promise<HpaState>;
  /** Writes one HPA field (the CPU target or minReplicas), nothing else. */
  applyHpa(action: Extract<Action, { kind: 'cpuTarget' | 'minReplicas' }>): Promise<void>;
  /** The TTLs in force (the API's view of the cache Redis hash). */
  readTtls(): Promise<Record<string, number>>;
  writeTtl(cls: string, seconds: number): Promise<void>;
  /** Records an Event about the policy (or, with `hpa`, about that HPA). */
  event(reason: EventReason, note: string, type: 'Normal' | 'Warning', hpa?: string): Promise<void>;
  /** False while another process holds the Lease: nothing may be written then. */
  canWrite(): boolean;
}
