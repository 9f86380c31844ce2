// Leader election on a coordination.k8s.io/v1 Lease: only the leader writes (HPAs, TTLs, status, Events).
export { LeaseElector, type LeaseOptions } from './lease.ts';
