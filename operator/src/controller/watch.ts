import { type Informer, makeInformer, type ObjectCache } from '@kubernetes/client-node';
import { type Kube, messageOf } from './kube.ts';
import type { OperatorMetrics } from './metrics.ts';
import { listPolicies, policiesPath, type RawPolicy } from './policies.ts';

/** Options of a {@link PolicyWatch}. */
export interface PolicyWatchOptions {
  kube: Kube;
  namespace: string;
  /** Back-off before the first restart of a lost watch; doubled per failure in a row. @defaultValue 1000 */
  backoffMs?: number;
  log: (line: string) => void;
  metrics: OperatorMetrics;
  /** A policy was listed or changed (its spec, or only its status). */
  onUpsert: (p: RawPolicy) => void;
  /** A policy was deleted (or is gone from a re-list). */
  onDelete: (p: RawPolicy) => void;
}

/** The longest back-off between two restarts of a watch that keeps failing. */
const maxBackoffMs = 30_000;

/**
 * The ScalingPolicies of one namespace, listed once and then watched (the client's informer: list,
 * watch from its resourceVersion, re-list after 410 Gone, reconnect after the server closes a watch).
 * The informer stops on an error (apiserver unreachable, 403, CRD missing): this restarts it after a
 * back-off — 1 s, doubled per failure in a row up to 30 s — logs it and counts it
 * (`avelon_operator_watch_restarts_total`). The cache is kept meanwhile, so evaluations go on.
 */
export class PolicyWatch {
  readonly #o: PolicyWatchOptions;
  readonly #informer: Informer<RawPolicy> & ObjectCache<RawPolicy>;
  /** Failures in a row: the back-off's exponent. */
  #failures = 0;
  /** Errors ever: tells whether a start failed. */
  #errors = 0;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(o: PolicyWatchOptions) {
    this.#o = o;
    this.#informer = makeInformer<RawPolicy>(o.kube.config, policiesPath(o.namespace), () =>
      listPolicies(o.kube, o.namespace),
    );
    this.#informer.on('add', o.onUpsert);
    this.#informer.on('update', o.onUpsert);
    this.#informer.on('delete', o.onDelete);
    this.#informer.on('error', (e) => this.#lost(e));
  }

  start(): void {
    void this.#start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#informer.stop();
  }

  async #start(): Promise<void> {
    if (this.#stopped) return;
    const errors = this.#errors;
    try {
      await this.#informer.start();
    } catch (e) {
      // Raised before the informer could report it (no cluster in the kubeconfig, credentials).
      this.#lost(e);
      return;
    }
    // A failed list or watch request has called #lost before start() resolves.
    if (!this.#stopped && this.#errors === errors && this.#failures > 0) {
      this.#failures = 0;
      this.#o.log(`watch of ScalingPolicies in ${this.#o.namespace} restored`);
    }
  }

  #lost(e: unknown): void {
    // Stopping aborts the watch request, which the informer reports as an error too.
    if (this.#stopped) return;
    this.#errors++;
    const delay = Math.min((this.#o.backoffMs ?? 1000) * 2 ** this.#failures, maxBackoffMs);
    this.#failures++;
    this.#o.metrics.watchRestarted();
    this.#o.log(`watch of ScalingPolicies in ${this.#o.namespace} lost (${messageOf(e)}); restarting in ${delay} ms`);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#start(), delay);
  }
}
