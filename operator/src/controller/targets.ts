import type { ScrapeTargetSpec } from '../crd/index.ts';
import type { Kube } from './kube.ts';

/**
 * The scrape URLs of a Service's ready pods, from its EndpointSlices (label
 * `kubernetes.io/service-name`), on the named port (`metrics` unless set). Static `urls` in the spec win:
 * they are for targets outside the cluster.
 */
export async function endpointSliceTargets(kube: Kube, namespace: string, t: ScrapeTargetSpec): Promise<string[]> {
  if (t.urls?.length) return t.urls;
  if (!t.service) return [];
  const slices = await kube.discovery.listNamespacedEndpointSlice({
    namespace,
    labelSelector: `kubernetes.io/service-name=${t.service}`,
  });
  const urls: string[] = [];
  for (const slice of slices.items) {
    const port = slice.ports?.find((p) => p.name === t.port);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      // Only ready endpoints: a pod still starting (or terminating) has no meaningful metrics.
      if (ep.conditions?.ready === false) continue;
      for (const addr of ep.addresses) {
        const host = slice.addressType === 'IPv6' ? `[${addr}]` : addr;
        urls.push(`http://${host}:${port.port}${t.path}`);
      }
    }
  }
  return urls;
}
