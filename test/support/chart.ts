// What the chart's node tests share: helm against the test node, the values that point the chart at
// the node's local images, and reads of the release's pods, Secret and database.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import type { V1Pod } from '@kubernetes/client-node';
import { imageRef, type TestKube } from './kube.ts';
import { kubectl } from './platform.ts';
import { repoRoot } from './stack.ts';

const run = promisify(execFile);

/** One release in one namespace of the test node. */
export interface Release {
  k: TestKube;
  namespace: string;
  name: string;
}

/** Runs helm in the release's namespace; stdout. */
export async function helm(r: Release, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    `${repoRoot}.tools/bin/helm`,
    ['--kubeconfig', r.k.kubeconfig, '-n', r.namespace, ...args],
    {
      maxBuffer: 16 << 20,
      timeout: 900_000,
    },
  );
  return stdout;
}

/** The tag `make images` gave an image (the node imported it under that reference). */
export const imageTag = (image: string) => imageRef(image).split(':').at(-1) ?? '';

// [values key, image]: every image of the chart.
const chartImages: Array<[string, string]> = [
  ['api', 'api'],
  ['workers', 'worker'],
  ['operator', 'operator'],
  ['adminMetrics', 'admin-metrics'],
  ['postgresql', 'postgres'],
  ['pgbouncer', 'pgbouncer'],
  ['redisCache', 'redis'],
  ['redisQueue', 'redis'],
];

/** `--set` pairs for the node: its imported images, never pulled, and `extra` on top. */
export function nodeValues(extra: Record<string, string | number> = {}): string[] {
  const values: Record<string, string | number> = {
    'global.imagePullPolicy': 'Never',
    ...Object.fromEntries(chartImages.map(([key, image]) => [`${key}.image.tag`, imageTag(image)])),
    ...extra,
  };
  return Object.entries(values).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
}

export async function pods(r: Release): Promise<V1Pod[]> {
  return (await r.k.core.listNamespacedPod({ namespace: r.namespace })).items;
}

/** The release's pods of one component (`api`, `operator`, `worker` ...). */
export async function componentPods(r: Release, component: string): Promise<V1Pod[]> {
  const selector = `app.kubernetes.io/instance=${r.name},app.kubernetes.io/component=${component}`;
  return (await r.k.core.listNamespacedPod({ namespace: r.namespace, labelSelector: selector })).items;
}

export const isReady = (p: V1Pod) =>
  !p.metadata?.deletionTimestamp && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** psql as the superuser in the primary's pod; unaligned rows. */
export function psql(r: Release, sql: string): Promise<string> {
  const pod = `${r.name}-postgresql-0`;
  return kubectl(r.k, ['-n', r.namespace, 'exec', pod, '--', 'psql', '-U', 'postgres', '-d', 'avelon', '-Atc', sql]);
}

/** The release's generated Secret, decoded. */
export async function secretValues(r: Release): Promise<Record<string, string>> {
  const data = (await r.k.core.readNamespacedSecret({ name: r.name, namespace: r.namespace })).data ?? {};
  return Object.fromEntries(Object.entries(data).map(([key, v]) => [key, Buffer.from(v, 'base64').toString()]));
}

/**
 * One HTTP request on a connection of its own (no keep-alive): behind a Service each lands on a pod
 * kube-proxy picks afresh, so a run of them reaches every API pod, as separate clients would.
 */
export function freshRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json: () => unknown }> {
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers = { ...o.headers, ...(body ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers, agent: false, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The address pods reach the host on: the node's own (the apiserver's), not loopback. */
export const nodeAddress = (k: TestKube) => new URL(k.config.getCurrentCluster()?.server ?? '').hostname;
