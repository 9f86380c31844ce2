import { PatchStrategy, setHeaderOptions, type V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { HpaState } from '../decide/index.ts';
import { HpaNotFoundError, KedaManagedHpaError, NoCpuMetricError } from '../errors.ts';
import { type Kube, statusOf } from './kube.ts';
import { fieldManager } from './reasons.ts';

/** KEDA labels the HPAs it creates with this, and owns them through a ScaledObject. */
const kedaLabel = 'scaledobject.keda.sh/name';

/** Index of the HPA's `Resource cpu / Utilization` metric, or -1. */
export function cpuMetricIndex(hpa: V2HorizontalPodAutoscaler): number {
  return (hpa.spec?.metrics ?? []).findIndex(
    (m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization',
  );
}

/** The ScaledObject managing an HPA, if KEDA does (by owner reference or by its label). */
export function kedaOwner(hpa: V2HorizontalPodAutoscaler): string | undefined {
  const owner = hpa.metadata?.ownerReferences?.find((r) => r.kind === 'ScaledObject');
  return owner?.name ?? hpa.metadata?.labels?.[kedaLabel];
}

/** Reads an HPA; refuses one KEDA manages (two controllers on one HPA overwrite each other). */
export async function readHpa(
  kube: Kube,
  namespace: string,
  name: string,
): Promise<{ state: HpaState; raw: V2HorizontalPodAutoscaler }> {
  let raw: V2HorizontalPodAutoscaler;
  try {
    raw = await kube.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace });
  } catch (e) {
    if (statusOf(e) === 404) throw new HpaNotFoundError(name, { cause: e });
    throw e;
  }
  const keda = kedaOwner(raw);
  if (keda) throw new KedaManagedHpaError(name, keda);
  const i = cpuMetricIndex(raw);
  const state: HpaState = {
    cpuTarget: i >= 0 ? raw.spec?.metrics?.[i]?.resource?.target.averageUtilization : undefined,
    minReplicas: raw.spec?.minReplicas ?? 1,
    maxReplicas: raw.spec?.maxReplicas ?? 1,
    currentReplicas: raw.status?.currentReplicas,
    cpuUtilization: raw.status?.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')
      ?.resource?.current.averageUtilization,
  };
  return { state, raw };
}

/**
 * Writes one field with a JSON patch and nothing else: `minReplicas`, or the CPU metric's
 * averageUtilization. Not server-side apply: `spec.metrics` is an atomic list, so applying one entry
 * would claim (and conflict on) the whole list. The `test` ops make the patch fail, rather than write
 * into the wrong metric, if someone reordered the metrics since the read.
 */
export async function patchHpaField(
  kube: Kube,
  namespace: string,
  name: string,
  field: 'cpuTarget' | 'minReplicas',
  value: number,
): Promise<void> {
  let body: object[];
  if (field === 'minReplicas') body = [{ op: 'replace', path: '/spec/minReplicas', value }];
  else {
    const { raw } = await readHpa(kube, namespace, name);
    const i = cpuMetricIndex(raw);
    if (i < 0) throw new NoCpuMetricError(name);
    body = [
      { op: 'test', path: `/spec/metrics/${i}/type`, value: 'Resource' },
      { op: 'test', path: `/spec/metrics/${i}/resource/name`, value: 'cpu' },
      { op: 'replace', path: `/spec/metrics/${i}/resource/target/averageUtilization`, value },
    ];
  }
  await kube.autoscaling.patchNamespacedHorizontalPodAutoscaler(
    { name, namespace, body, fieldManager },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  );
}
