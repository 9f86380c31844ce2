// The platform's images running on the test node (test/cluster/platform.yaml): one namespace shared
// by the node tests, applied once and reused by each file (applying again changes nothing).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { imageRef, installCrd, type TestKube } from './kube.ts';
import { repoRoot } from './stack.ts';

const run = promisify(execFile);

export const platformNamespace = 'avelon-e2e';
/** The API Service's NodePort: host traffic enters through 127.0.0.1 (kube-proxy's localhost NodePorts). */
export const apiNodePort = 30080;

/** Runs the node's kubectl with the admin kubeconfig; `input` goes to its stdin. */
export async function kubectl(k: TestKube, args: string[], input?: string): Promise<string> {
  const child = run(`${repoRoot}.tools/bin/kubectl`, ['--kubeconfig', k.kubeconfig, ...args], {
    maxBuffer: 16 << 20,
    timeout: 600_000,
  });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

/**
 * A manifest file of test/cluster with each "{{image:NAME}}" replaced by the node's image reference
 * and each "{{key}}" by `vars[key]`. The quotes go too, so a number stays a number; the files quote
 * their placeholders to stay valid YAML.
 */
export function manifest(file: string, vars: Record<string, string | number> = {}): string {
  return readFileSync(`${repoRoot}test/cluster/${file}`, 'utf8').replaceAll(
    /"\{\{([a-zA-Z:-]+)\}\}"/g,
    (_, key: string) => {
      if (key.startsWith('image:')) return imageRef(key.slice('image:'.length));
      if (!(key in vars)) throw new Error(`${file}: no value for {{${key}}}`);
      return String(vars[key]);
    },
  );
}

const hashAnnotation = 'avelon.io/manifest-sha256';

/**
 * Applies the platform and waits until every workload is ready and every Job done. A namespace
 * made from the same manifest and images is reused; another one (Jobs cannot be changed in place) is
 * deleted first, and the node's volumes it held are wiped for reuse.
 */
export async function ensurePlatform(k: TestKube): Promise<void> {
  await installCrd(k);
  const text = manifest('platform.yaml');
  const hash = createHash('sha256').update(text).digest('hex');
  const current = await k.core.readNamespace({ name: platformNamespace }).catch(() => undefined);
  if (current && current.metadata?.annotations?.[hashAnnotation] !== hash) {
    await kubectl(k, ['delete', 'namespace', platformNamespace, '--wait=true', '--timeout=300s']);
    await run('bash', [`${repoRoot}scripts/cluster/reclaim-volumes.sh`], { env: process.env });
  }
  if (!current || current.metadata?.annotations?.[hashAnnotation] !== hash) {
    await k.core.createNamespace({
      body: { metadata: { name: platformNamespace, annotations: { [hashAnnotation]: hash } } },
    });
  }
  await kubectl(k, ['apply', '-n', platformNamespace, '-f', '-'], text);
  const ns = ['-n', platformNamespace];
  await kubectl(k, [...ns, 'rollout', 'status', 'statefulset/postgres', '--timeout=300s']);
  for (const d of [
    'postgres-replica',
    'pgbouncer',
    'redis-cache',
    'redis-queue',
    'api',
    'worker',
    'operator',
    'admin-metrics',
  ]) {
    await kubectl(k, [...ns, 'rollout', 'status', `deployment/${d}`, '--timeout=300s']);
  }
  await kubectl(k, [...ns, 'wait', '--for=condition=complete', 'job/migrate', 'job/connect', '--timeout=300s']);
}

/** The pods of a workload (by its `app` label) that are Ready, with their IPs. */
export async function readyPods(k: TestKube, app: string, namespace = platformNamespace) {
  const pods = await k.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter(
    (p) =>
      !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}
