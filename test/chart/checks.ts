// Rules every rendered manifest set must keep. Each returns the violations it found (empty = kept),
// so the tests can show a rule both passing on the chart and failing on a broken manifest.
import { longRunningKinds, type Manifest, podSpec, workloadKinds } from './helm.ts';

const where = (m: Manifest, c?: { name: string }) => `${m.kind}/${m.metadata.name}${c ? ` container ${c.name}` : ''}`;

// biome-ignore lint/suspicious/noExplicitAny: containers are plain parsed YAML
type Container = any;
function containers(m: Manifest): Array<{ c: Container; init: boolean }> {
  const spec = podSpec(m);
  if (!spec) return [];
  return [
    ...(spec.initContainers ?? []).map((c: Container) => ({ c, init: true })),
    ...(spec.containers ?? []).map((c: Container) => ({ c, init: false })),
  ];
}
const workloads = (ms: Manifest[]) => ms.filter((m) => workloadKinds.has(m.kind));

/** Requests and limits of CPU and memory on every container. */
export function missingResources(ms: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of workloads(ms)) {
    for (const { c } of containers(m)) {
      for (const side of ['requests', 'limits'])
        for (const r of ['cpu', 'memory'])
          if (c.resources?.[side]?.[r] === undefined) out.push(`${where(m, c)}: no ${side}.${r}`);
    }
  }
  return out;
}

/** Readiness and liveness probes on every container that keeps running. */
export function missingProbes(ms: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of ms.filter((x) => longRunningKinds.has(x.kind))) {
    for (const { c, init } of containers(m)) {
      if (init) continue;
      if (!c.readinessProbe) out.push(`${where(m, c)}: no readinessProbe`);
      if (!c.livenessProbe) out.push(`${where(m, c)}: no livenessProbe`);
    }
  }
  return out;
}

/** Non-root, RuntimeDefault seccomp, no service links; read-only root, ALL dropped, no escalation. */
export function weakSecurity(ms: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of workloads(ms)) {
    const spec = podSpec(m);
    if (spec.securityContext?.runAsNonRoot !== true) out.push(`${where(m)}: pod not runAsNonRoot`);
    if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') out.push(`${where(m)}: pod seccomp`);
    if (spec.enableServiceLinks !== false) out.push(`${where(m)}: service links on`);
    for (const { c } of containers(m)) {
      const s = c.securityContext ?? {};
      if (s.readOnlyRootFilesystem !== true) out.push(`${where(m, c)}: root filesystem writable`);
      if (s.allowPrivilegeEscalation !== false) out.push(`${where(m, c)}: privilege escalation allowed`);
      if (JSON.stringify(s.capabilities?.drop) !== '["ALL"]') out.push(`${where(m, c)}: capabilities not dropped`);
      if (s.privileged === true) out.push(`${where(m, c)}: privileged`);
    }
  }
  return out;
}

/** Every image names a tag, never latest. */
export function unpinnedImages(ms: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of workloads(ms)) {
    for (const { c } of containers(m)) {
      const image = String(c.image ?? '');
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      if (!tag || tag === 'latest') out.push(`${where(m, c)}: image ${image} not pinned`);
    }
  }
  return out;
}

/** No '*' in any RBAC rule, and nothing cluster-wide. */
export function rbacWildcards(ms: Manifest[]): string[] {
  const out: string[] = [];
  for (const m of ms.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
    if (m.kind === 'ClusterRole') out.push(`${where(m)}: cluster-wide role`);
    for (const rule of m.rules ?? []) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'])
        if ((rule[field] ?? []).includes('*')) out.push(`${where(m)}: * in ${field}`);
    }
  }
  return out;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Each workload's selector matches its own pod labels; each Service and PDB selects pods that exist. */
export function selectorMismatches(ms: Manifest[]): string[] {
  const out: string[] = [];
  const podLabels = workloads(ms)
    .filter((m) => m.kind !== 'Pod' && m.kind !== 'Job')
    .map((m) => ({ m, labels: m.spec.template.metadata?.labels ?? {} }));
  for (const { m, labels } of podLabels) {
    const sel = m.spec.selector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) out.push(`${where(m)}: no selector`);
    else if (!matches(sel, labels)) out.push(`${where(m)}: selector ${JSON.stringify(sel)} misses its pods`);
    if (
      !labels['app.kubernetes.io/name'] ||
      !labels['app.kubernetes.io/instance'] ||
      !labels['app.kubernetes.io/component']
    )
      out.push(`${where(m)}: pods lack app.kubernetes.io/{name,instance,component}`);
  }
  for (const m of ms.filter((x) => x.kind === 'Service' || x.kind === 'PodDisruptionBudget')) {
    const sel = m.kind === 'Service' ? m.spec.selector : m.spec.selector?.matchLabels;
    if (!sel || Object.keys(sel).length === 0) out.push(`${where(m)}: no selector`);
    else if (!podLabels.some((p) => matches(sel, p.labels))) out.push(`${where(m)}: selects no pod of the chart`);
  }
  return out;
}

/** Each HPA scales a Deployment of the chart; each StatefulSet names a Service of the chart. */
export function danglingTargets(ms: Manifest[]): string[] {
  const out: string[] = [];
  const names = (kind: string) => new Set(ms.filter((m) => m.kind === kind).map((m) => m.metadata.name));
  const deployments = names('Deployment');
  for (const m of ms.filter((x) => x.kind === 'HorizontalPodAutoscaler')) {
    const ref = m.spec.scaleTargetRef;
    if (ref?.kind !== 'Deployment' || !deployments.has(ref.name))
      out.push(`${where(m)}: targets ${JSON.stringify(ref)}`);
  }
  const services = names('Service');
  for (const m of ms.filter((x) => x.kind === 'StatefulSet'))
    if (!services.has(m.spec.serviceName)) out.push(`${where(m)}: serviceName ${m.spec.serviceName} is no Service`);
  for (const m of ms.filter((x) => x.kind === 'ScalingPolicy')) {
    const hpas = names('HorizontalPodAutoscaler');
    for (const hpa of [m.spec.api?.hpa, ...(m.spec.workers ?? []).map((w: { hpa: string }) => w.hpa)])
      if (!hpas.has(hpa)) out.push(`${where(m)}: steers HPA ${hpa}, which the chart does not make`);
  }
  return out;
}
