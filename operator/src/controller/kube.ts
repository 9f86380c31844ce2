import {
  ApiException,
  AutoscalingV2Api,
  CoordinationV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  EventsV1Api,
  KubeConfig,
} from '@kubernetes/client-node';

/** The typed API clients the operator uses, from one KubeConfig. */
export interface Kube {
  config: KubeConfig;
  autoscaling: AutoscalingV2Api;
  custom: CustomObjectsApi;
  coordination: CoordinationV1Api;
  events: EventsV1Api;
  discovery: DiscoveryV1Api;
}

/** Clients from a kubeconfig file, or from the pod's service account when `path` is empty. */
export function kubeClients(path: string): Kube {
  const config = new KubeConfig();
  if (path) config.loadFromFile(path);
  else config.loadFromCluster();
  return {
    config,
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    custom: config.makeApiClient(CustomObjectsApi),
    coordination: config.makeApiClient(CoordinationV1Api),
    events: config.makeApiClient(EventsV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
  };
}

/** The HTTP status of a failed API call (0 when it never got an answer). */
export const statusOf = (e: unknown): number => (e instanceof ApiException ? e.code : 0);

/** The apiserver's own message of a failed call (its Status body), else the error's (with its cause). */
export function messageOf(e: unknown): string {
  if (e instanceof ApiException) {
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      if (body?.message) return body.message;
    } catch {}
  }
  if (!(e instanceof Error)) return String(e);
  // fetch's own message ("fetch failed") says nothing; its cause says what (ECONNREFUSED, a TLS error).
  return e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message;
}
