import type { Redis } from 'ioredis';
import type { Effects } from '../controller/effects.ts';
import { readTtls, writeTtl } from '../controller/ttl.ts';
import type { ScalingPolicySpec } from '../crd/index.ts';
import type { Action, HpaState } from '../decide/index.ts';
import type { EventReason } from '../evaluate/index.ts';

/** One line of what standalone mode did or would do. */
export interface StandaloneEvent {
  time: string;
  type: 'Normal' | 'Warning';
  reason: EventReason;
  note: string;
}

/**
 * Effects without a cluster: HPAs are virtual — they start at the policy's loosest settings and follow
 * what the operator would set, which is logged and shown on /status — while TTLs go to the cache Redis
 * for real, so `make up` exercises the API side of the contract.
 */
export class StandaloneEffects implements Effects {
  readonly hpas: Record<string, HpaState> = {};
  readonly events: StandaloneEvent[] = [];
  readonly #redis: () => Redis;
  readonly #log: (line: string) => void;

  constructor(spec: ScalingPolicySpec, redis: () => Redis, log: (line: string) => void) {
    this.#redis = redis;
    this.#log = log;
    if (spec.api) {
      const { hpa, cpuTarget, minReplicas } = spec.api;
      this.hpas[hpa] = { cpuTarget: cpuTarget.max, minReplicas: minReplicas.min, maxReplicas: minReplicas.max };
    }
    for (const w of spec.workers ?? []) this.hpas[w.hpa] = { minReplicas: w.replicas.min, maxReplicas: w.replicas.max };
  }

  async readHpa(name: string): Promise<HpaState> {
    const h = this.hpas[name];
    if (!h) throw new Error(`no virtual HPA ${name}`);
    return { ...h };
  }

  async applyHpa(a: Extract<Action, { kind: 'cpuTarget' | 'minReplicas' }>): Promise<void> {
    const h = this.hpas[a.hpa];
    if (h) h[a.kind] = a.to;
    this.#log(`would set ${a.target} ${a.from} -> ${a.to} (standalone: no cluster)`);
  }

  readTtls = () => readTtls(this.#redis());
  writeTtl = (cls: string, seconds: number) => writeTtl(this.#redis(), cls, seconds);
  canWrite = () => true;

  async event(reason: EventReason, note: string, type: 'Normal' | 'Warning'): Promise<void> {
    this.#log(`${type} ${reason}: ${note}`);
    this.events.push({ time: new Date().toISOString(), type, reason, note });
    if (this.events.length > 50) this.events.shift();
  }
}
