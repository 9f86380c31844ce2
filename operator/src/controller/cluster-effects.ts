import { V1MicroTime } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import type { Action, HpaState } from '../decide/index.ts';
import type { EventReason } from '../evaluate/index.ts';
import type { Effects } from './effects.ts';
import { patchHpaField, readHpa } from './hpa.ts';
import type { Kube } from './kube.ts';
import { reportingController } from './reasons.ts';
import { readTtls, writeTtl } from './ttl.ts';

/** The policy an evaluation is about, for Events' `regarding`. */
export interface PolicyRef {
  namespace: string;
  name: string;
  uid?: string;
}

/** Effects against a real cluster: HPAs through the apiserver, TTLs in the cache Redis. */
export class ClusterEffects implements Effects {
  readonly #kube: Kube;
  readonly #policy: PolicyRef;
  readonly #cacheRedis: () => Redis;
  readonly #identity: string;
  readonly #isLeader: () => boolean;
  readonly #log: (line: string) => void;

  constructor(o: {
    kube: Kube;
    policy: PolicyRef;
    cacheRedis: () => Redis;
    identity: string;
    isLeader: () => boolean;
    log: (line: string) => void;
  }) {
    this.#kube = o.kube;
    this.#policy = o.policy;
    this.#cacheRedis = o.cacheRedis;
    this.#identity = o.identity;
    this.#isLeader = o.isLeader;
    this.#log = o.log;
  }

  async readHpa(name: string): Promise<HpaState> {
    return (await readHpa(this.#kube, this.#policy.namespace, name)).state;
  }

  async applyHpa(a: Extract<Action, { kind: 'cpuTarget' | 'minReplicas' }>): Promise<void> {
    await patchHpaField(this.#kube, this.#policy.namespace, a.hpa, a.kind, a.to);
  }

  readTtls = () => readTtls(this.#cacheRedis());
  writeTtl = (cls: string, seconds: number) => writeTtl(this.#cacheRedis(), cls, seconds);
  canWrite = () => this.#isLeader();

  /** An events.k8s.io/v1 Event; failing to record one is logged, never fatal to the evaluation. */
  async event(reason: EventReason, note: string, type: 'Normal' | 'Warning', hpa?: string): Promise<void> {
    this.#log(`${type} ${reason} ${this.#policy.namespace}/${this.#policy.name}: ${note}`);
    const { namespace, name, uid } = this.#policy;
    const policyRef = { apiVersion: 'autoscaling.avelon.io/v1alpha1', kind: 'ScalingPolicy', namespace, name, uid };
    const hpaRef = hpa
      ? { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace, name: hpa }
      : undefined;
    try {
      await this.#kube.events.createNamespacedEvent({
        namespace,
        body: {
          // Named like client-go's recorder (<object>.<hex time>): a generateName ending in '.' is invalid.
          metadata: { name: `${name}.${eventSuffix()}`, namespace },
          eventTime: new V1MicroTime(),
          reportingController,
          reportingInstance: this.#identity.slice(0, 128),
          action: hpa ? 'Scale' : 'Evaluate',
          reason,
          type,
          note: note.slice(0, 1024),
          regarding: policyRef,
          ...(hpaRef ? { related: hpaRef } : {}),
        },
      });
    } catch (e) {
      this.#log(`could not record event ${reason}: ${(e as Error).message}`);
    }
  }
}

let seq = 0;
/** A unique, sortable event name suffix: the time in hex plus a per-process sequence. */
const eventSuffix = () =>
  `${Date.now().toString(16)}${(seq++ % 4096).toString(16).padStart(3, '0')}${process.pid.toString(16)}`;
