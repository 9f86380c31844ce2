import type { Role } from '../panels/scrape-view.ts';

/** Finds the /metrics URLs of a role's instances now (static list, or EndpointSlices in a cluster). */
export interface TargetResolver {
  readonly kind: 'static' | 'kubernetes';
  resolve(role: Role): Promise<string[]>;
}

/** Static URLs from the configuration (make up, or anything outside a cluster). */
export const staticTargets = (urls: Record<Role, readonly string[]>): TargetResolver => ({
  kind: 'static',
  resolve: async (role) => [...urls[role]],
});

/** The fields of a discovery.k8s.io/v1 EndpointSlice this needs. */
export interface SliceLike {
  addressType?: string;
  ports?: Array<{ name?: string; port?: number }> | null;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } | null }> | null;
}

/**
 * The /metrics URLs of a Service's ready endpoints on the named port (the first port when unnamed in
 * the slice), as the operator's scrape source finds them. Pure, so it is unit-tested without a cluster.
 */
export function urlsFromSlices(slices: readonly SliceLike[], portName: string, path = '/metrics'): string[] {
  const urls: string[] = [];
  for (const slice of slices) {
    const port =
      slice.ports?.find((p) => p.name === portName) ?? (slice.ports?.length === 1 ? slice.ports[0] : undefined);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      // A pod still starting or terminating has no meaningful metrics (and may not answer).
      if (ep.conditions?.ready === false) continue;
      for (const addr of ep.addresses) {
        const host = slice.addressType === 'IPv6' ? `[${addr}]` : addr;
        urls.push(`http://${host}:${port.port}${path}`);
      }
    }
  }
  return urls.sort();
}

/** EndpointSlices of the configured Services, through @kubernetes/client-node (in-cluster or kubeconfig). */
export async function kubernetesTargets(o: {
  kubeconfig: string;
  namespace: string;
  services: Record<Role, string>;
  port: string;
}): Promise<TargetResolver> {
  const { DiscoveryV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  if (o.kubeconfig) config.loadFromFile(o.kubeconfig);
  else config.loadFromCluster();
  const discovery = config.makeApiClient(DiscoveryV1Api);
  return {
    kind: 'kubernetes',
    resolve: async (role) => {
      const list = await discovery.listNamespacedEndpointSlice({
        namespace: o.namespace,
        labelSelector: `kubernetes.io/service-name=${o.services[role]}`,
      });
      return urlsFromSlices(list.items, o.port);
    },
  };
}
