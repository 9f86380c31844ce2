// The chart's install on the test node, as the node benchmark (loadtest/node-bench.ts) uses it: helm and
// kubectl from .tools/bin against the node's admin kubeconfig, the API pods and what they say, and the demo
// data loaded from this machine into the release's primary.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { crdName, crdPath } from '../../operator/src/crd/generate.ts';
import { type ApiCounters, parseCounters } from './api-metrics.ts';

const run = promisify(execFile);

export interface NodeRelease {
  root: string;
  kubeconfig: string;
  namespace: string;
  name: string;
}

const bin = (r: NodeRelease, tool: string) => `${r.root}.tools/bin/${tool}`;

async function kubectl(r: NodeRelease, ...args: string[]): Promise<string> {
  const { stdout } = await run(bin(r, 'kubectl'), ['--kubeconfig', r.kubeconfig, '-n', r.namespace, ...args], {
    maxBuffer: 64 << 20,
    timeout: 600_000,
  });
  return stdout;
}

export async function helm(r: NodeRelease, ...args: string[]): Promise<string> {
  const { stdout } = await run(bin(r, 'helm'), ['--kubeconfig', r.kubeconfig, '-n', r.namespace, ...args], {
    maxBuffer: 16 << 20,
    timeout: 900_000,
  });
  return stdout;
}

/** Drops the namespace (and so its claims) and offers the node's released volumes again. */
export async function dropNamespace(r: NodeRelease): Promise<void> {
  await kubectl(r, 'delete', 'namespace', r.namespace, '--ignore-not-found', '--wait=true', '--timeout=300s');
  await run('bash', [`${r.root}scripts/cluster/reclaim-volumes.sh`], { env: process.env, timeout: 300_000 });
}

/** The CRD once per cluster, outside the release (as the chart test does: crds.install=false). */
export async function applyCrd(r: NodeRelease): Promise<void> {
  await kubectl(r, 'apply', '-f', crdPath);
  await kubectl(r, 'wait', '--for=condition=Established', `crd/${crdName}`, '--timeout=60s');
}

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: { podIP?: string; conditions?: Array<{ type: string; status: string }> };
}

export interface ApiPod {
  name: string;
  ip: string;
}

/** The release's Ready API pods. */
export async function apiPods(r: NodeRelease): Promise<ApiPod[]> {
  const selector = `app.kubernetes.io/instance=${r.name},app.kubernetes.io/component=api`;
  const list = JSON.parse(await kubectl(r, 'get', 'pods', '-l', selector, '-o', 'json')) as { items: PodJson[] };
  return list.items
    .filter(
      (p) =>
        !p.metadata.deletionTimestamp &&
        p.status.podIP &&
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    )
    .map((p) => ({ name: p.metadata.name, ip: p.status.podIP as string }));
}

/**
 * Each pod's counters from its own /metrics (pod addresses on the node's bridge answer from this
 * machine): through the Service, a scrape would land on one pod of several.
 */
export async function podCounters(pods: readonly ApiPod[], metricsPort: number): Promise<Map<string, ApiCounters>> {
  const entries = await Promise.all(
    pods.map(async (p): Promise<[string, ApiCounters] | undefined> => {
      try {
        const res = await fetch(`http://${p.ip}:${metricsPort}/metrics`, { signal: AbortSignal.timeout(5000) });
        return [p.name, parseCounters(await res.text())];
      } catch {
        return undefined;
      }
    }),
  );
  return new Map(entries.filter((e) => e !== undefined));
}

/** CPU now (millicores) of each API pod, as metrics-server last saw it (10 s resolution); empty if unknown. */
export async function apiPodsCpu(r: NodeRelease): Promise<Record<string, number>> {
  const selector = `app.kubernetes.io/instance=${r.name},app.kubernetes.io/component=api`;
  const out = await kubectl(r, 'top', 'pods', '-l', selector, '--no-headers').catch(() => '');
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([name, cpu]) => name && cpu?.endsWith('m'))
      .map(([name, cpu]) => [name as string, Number((cpu as string).slice(0, -1))]),
  );
}

export interface ApiShape {
  cpuRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  /** null when the release has no API HPA (api.autoscaling.enabled=false). */
  hpa: { minReplicas: number; maxReplicas: number; cpuTarget: number | null; current: number; desired: number } | null;
}

/** The API Deployment's container resources and its HPA now (the operator moves the target and floor). */
export async function apiShape(r: NodeRelease): Promise<ApiShape> {
  const name = `${r.name}-api`;
  const deploy = JSON.parse(await kubectl(r, 'get', 'deployment', name, '-o', 'json')) as {
    spec: { template: { spec: { containers: Array<{ resources: Record<string, Record<string, string>> }> } } };
  };
  const res = deploy.spec.template.spec.containers[0]?.resources ?? {};
  const hpaJson = await kubectl(r, 'get', 'hpa', name, '-o', 'json', '--ignore-not-found');
  const hpa = hpaJson.trim()
    ? (JSON.parse(hpaJson) as {
        spec: {
          minReplicas: number;
          maxReplicas: number;
          metrics?: Array<{ resource?: { target?: { averageUtilization?: number } } }>;
        };
        status: { currentReplicas?: number; desiredReplicas?: number };
      })
    : undefined;
  return {
    cpuRequest: res.requests?.cpu ?? '',
    cpuLimit: res.limits?.cpu ?? '',
    memoryLimit: res.limits?.memory ?? '',
    hpa: hpa
      ? {
          minReplicas: hpa.spec.minReplicas,
          maxReplicas: hpa.spec.maxReplicas,
          cpuTarget: hpa.spec.metrics?.[0]?.resource?.target?.averageUtilization ?? null,
          current: hpa.status.currentReplicas ?? 0,
          desired: hpa.status.desiredReplicas ?? 0,
        }
      : null,
  };
}

/** psql as the superuser in the primary's pod; unaligned rows. */
const psql = (r: NodeRelease, sql: string) =>
  kubectl(r, 'exec', `${r.name}-postgresql-0`, '--', 'psql', '-U', 'postgres', '-d', 'avelon', '-Atc', sql);

/**
 * Loads the demo data with core's generator from this machine, straight into the primary pod's address
 * (the release's migration URL with the pod's IP for the Service name), then waits until every replica
 * has replayed it: the API reads from the replicas.
 */
export async function loadDemoData(r: NodeRelease, size: string, seed: number): Promise<void> {
  const secret = JSON.parse(await kubectl(r, 'get', 'secret', r.name, '-o', 'json')) as {
    data: Record<string, string>;
  };
  const url = new URL(Buffer.from(secret.data['migration-url'] ?? '', 'base64').toString());
  url.hostname = (await kubectl(r, 'get', 'pod', `${r.name}-postgresql-0`, '-o', 'jsonpath={.status.podIP}')).trim();
  const child = spawn(
    process.execPath,
    [`${r.root}core/src/demo-data/cli.ts`, '--size', size, '--seed', String(seed), '--url', url.toString()],
    { stdio: 'inherit', cwd: r.root },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`demo data: the generator exited with ${code}`);
  const replayed = 'select count(*) > 0 and bool_and(replay_lsn >= pg_current_wal_lsn()) from pg_stat_replication';
  for (let i = 0; ; i++) {
    if ((await psql(r, replayed)).trim() === 't') return;
    if (i >= 120) throw new Error('demo data: the replicas did not replay it within 2 min');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
