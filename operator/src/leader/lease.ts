import { type CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { statusOf } from '../controller/kube.ts';

/** Options of a {@link LeaseElector}. */
export interface LeaseOptions {
  api: CoordinationV1Api;
  namespace: string;
  name: string;
  /** This process, as written in `holderIdentity`. */
  identity: string;
  /** How long a lease holds without renewal. @defaultValue 15 */
  leaseDurationSeconds?: number;
  /** A leader that could not renew for this long stops writing (must be < duration). @defaultValue 10 */
  renewDeadlineSeconds?: number;
  /** How often to try to acquire or renew. @defaultValue 2 */
  retryPeriodSeconds?: number;
  onChange?: (leading: boolean) => void;
  log?: (line: string) => void;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it (no maintained Node library
 * does): acquire when the lease is free or its holder stopped renewing for a full lease duration, renew
 * every retry period, release on shutdown. Every write carries the resourceVersion that was read, so
 * two candidates racing for one expired lease cannot both win (the loser gets 409 Conflict).
 *
 * Expiry is judged by this process's clock from when it last saw the lease change, never by comparing
 * the holder's renewTime with the local clock, so clock skew between nodes cannot hand over early.
 */
export class LeaseElector {
  readonly #o: Required<Omit<LeaseOptions, 'onChange' | 'log'>> & Pick<LeaseOptions, 'onChange' | 'log'>;
  #leading = false;
  /** Local time of the last successful renew (leader) — the renew deadline counts from it. */
  #renewedAt = 0;
  #observed?: { key: string; at: number };
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(o: LeaseOptions) {
    this.#o = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2, ...o };
  }

  /** True while this process holds the lease and renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.#leading && Date.now() - this.#renewedAt < this.#o.renewDeadlineSeconds * 1000;
  }

  start(): void {
    const loop = async () => {
      if (this.#stopped) return;
      await this.tryAcquireOrRenew().catch((e) => this.#o.log?.(`lease: ${(e as Error).message}`));
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#o.retryPeriodSeconds * 1000);
    };
    void loop();
  }

  /** One round: returns whether this process leads afterwards. */
  async tryAcquireOrRenew(now = Date.now()): Promise<boolean> {
    const { api, namespace, name, identity } = this.#o;
    let lease: V1Lease | undefined;
    try {
      lease = await api.readNamespacedLease({ name, namespace });
    } catch (e) {
      if (statusOf(e) !== 404) return this.#set(this.isLeader());
    }
    const spec = lease?.spec ?? {};
    const key = `${spec.holderIdentity}|${spec.renewTime?.toISOString?.() ?? spec.renewTime}|${lease?.metadata?.resourceVersion}`;
    if (this.#observed?.key !== key) this.#observed = { key, at: now };
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? this.#o.leaseDurationSeconds) * 1000;
    const expired = holder === '' || now - (this.#observed?.at ?? now) >= duration;
    if (lease && holder !== identity && !expired) return this.#set(false);

    const stamp = new V1MicroTime(now);
    const next: V1Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...(lease?.metadata ?? {}), name, namespace },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: this.#o.leaseDurationSeconds,
        renewTime: stamp,
        acquireTime: holder === identity && spec.acquireTime ? spec.acquireTime : stamp,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === identity || !lease ? 0 : 1),
      },
    };
    try {
      if (lease) await api.replaceNamespacedLease({ name, namespace, body: next });
      else await api.createNamespacedLease({ namespace, body: next });
    } catch (e) {
      // 409: someone else wrote first (resourceVersion moved) — they won this round.
      if (statusOf(e) === 409) return this.#set(false);
      return this.#set(this.isLeader());
    }
    this.#renewedAt = Date.now();
    return this.#set(true);
  }

  /** Stops renewing and, if leading, hands the lease over at once (empty holder). */
  async release(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (!this.#leading) return;
    this.#set(false);
    const { api, namespace, name, identity } = this.#o;
    try {
      const lease = await api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      lease.spec.holderIdentity = '';
      lease.spec.leaseDurationSeconds = 1;
      await api.replaceNamespacedLease({ name, namespace, body: lease });
      this.#o.log?.('lease: released');
    } catch (e) {
      this.#o.log?.(`lease: release failed (it expires by itself): ${(e as Error).message}`);
    }
  }

  #set(leading: boolean): boolean {
    if (leading !== this.#leading) {
      this.#leading = leading;
      this.#o.log?.(
        `lease ${this.#o.namespace}/${this.#o.name}: ${leading ? 'acquired' : 'lost'} by ${this.#o.identity}`,
      );
      this.#o.onChange?.(leading);
    }
    return leading;
  }
}
