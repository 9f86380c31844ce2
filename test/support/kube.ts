// The operator tests' Kubernetes: the real single-node cluster of scripts/cluster/up.sh (kubelet on
// containerd, controller-manager, scheduler, kube-proxy, CoreDNS, metrics-server), which
// scripts/test/integration.sh starts before the tests and stops after them. A file run on its own
// starts it here (up.sh is idempotent) and leaves it running for the next run: `make cluster-down`.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadConfig } from '@avelon/core';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  type KubernetesObject,
  loadYaml,
  type V1CustomResourceDefinition,
  type V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { z } from 'zod';
import { type Kube, kubeClients, statusOf } from '../../operator/src/controller/kube.ts';
import { crdPath } from '../../operator/src/crd/generate.ts';
import { crdGroup, crdName, crdPlural, crdVersion } from '../../operator/src/crd/index.ts';
import { eventually, repoRoot } from './stack.ts';

const run = promisify(execFile);

const env = loadConfig(
  {
    AVELON_PORT_BASE: z.coerce.number().int().default(25400),
    AVELON_CLUSTER_DIR: z.string().default(`${repoRoot}.data/cluster`),
  },
  process.env,
);

/** Test-only API clients on top of the operator's. */
export interface TestKube extends Kube {
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  ext: ApiextensionsV1Api;
}

/** Starts the test node if it is not running (idempotent) and returns admin clients for it. */
export async function connectCluster(): Promise<TestKube> {
  const { stdout } = await run('bash', [`${repoRoot}scripts/cluster/up.sh`], {
    env: { ...process.env, AVELON_CLUSTER_DIR: env.AVELON_CLUSTER_DIR },
    timeout: 600_000,
    maxBuffer: 16 << 20,
  });
  const kubeconfig = stdout.trim().split('\n').at(-1) ?? '';
  const kube = kubeClients(kubeconfig);
  return {
    ...kube,
    kubeconfig,
    core: kube.config.makeApiClient(CoreV1Api),
    apps: kube.config.makeApiClient(AppsV1Api),
    batch: kube.config.makeApiClient(BatchV1Api),
    ext: kube.config.makeApiClient(ApiextensionsV1Api),
  };
}

/** The reference of an image imported into the node (`pause`, `api`, `postgres` ...). */
export function imageRef(name: string): string {
  const rows = readFileSync(`${env.AVELON_CLUSTER_DIR}/images.tsv`, 'utf8').trim().split('\n');
  const ref = rows.map((r) => r.split('\t')).find(([n]) => n === name)?.[1];
  if (!ref) throw new Error(`no image '${name}' on the node (make images, then scripts/cluster/up.sh)`);
  return ref;
}

/** Creates or updates the CRD from the checked-in YAML and waits until it is Established. */
export async function installCrd(k: TestKube): Promise<void> {
  // loadYaml maps JSON names to the client's model names ('x-kubernetes-validations' ->
  // xKubernetesValidations, 'default' -> _default); a plain YAML parse would have them silently dropped.
  const body = loadYaml<V1CustomResourceDefinition>(readFileSync(crdPath, 'utf8'));
  try {
    const current = await k.ext.readCustomResourceDefinition({ name: crdName });
    body.metadata = { ...body.metadata, resourceVersion: current.metadata?.resourceVersion };
    await k.ext.replaceCustomResourceDefinition({ name: crdName, body });
  } catch (e) {
    if (statusOf(e) !== 404) throw e;
    await k.ext.createCustomResourceDefinition({ body });
  }
  await eventually(
    'CRD established',
    async () => {
      const crd = await k.ext.readCustomResourceDefinition({ name: crdName });
      return !!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    30_000,
  );
  // Discovery of a fresh CRD lags its Established condition by a moment.
  await eventually(
    'CRD served',
    async () => {
      await k.custom.listNamespacedCustomObject({
        group: crdGroup,
        version: crdVersion,
        namespace: 'default',
        plural: crdPlural,
      });
      return true;
    },
    30_000,
  );
}

/** A new namespace per test file, so files never see each other's objects. */
export async function freshNamespace(k: TestKube, prefix: string): Promise<string> {
  const name = `${prefix}-${Date.now().toString(36)}`;
  await k.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Deletes a namespace of a test file (the node is shared by every file); does not wait. */
export async function dropNamespace(k: TestKube | undefined, name: string | undefined): Promise<void> {
  if (k && name) await k.core.deleteNamespace({ name }).catch(() => undefined);
}

/**
 * A Deployment of the node's pause image (it runs, uses no CPU, needs no registry) and its
 * CPU-target HPA, which the real controller-manager reconciles.
 */
export async function createScaledApp(
  k: TestKube,
  namespace: string,
  name: string,
  o: { cpu: number; min: number; max: number; metadata?: Partial<KubernetesObject['metadata']> },
): Promise<void> {
  const labels = { app: name };
  await k.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas: o.min,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name,
                image: imageRef('pause'),
                imagePullPolicy: 'Never',
                resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '16Mi' } },
              },
            ],
          },
        },
      },
    },
  });
  await k.autoscaling.createNamespacedHorizontalPodAutoscaler({
    namespace,
    body: {
      metadata: { name, ...o.metadata },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: o.min,
        maxReplicas: o.max,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: o.cpu } } },
        ],
      },
    },
  });
}

export const readHpa = (k: TestKube, namespace: string, name: string): Promise<V2HorizontalPodAutoscaler> =>
  k.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace });

export const cpuTargetOf = (h: V2HorizontalPodAutoscaler) => h.spec?.metrics?.[0]?.resource?.target.averageUtilization;

/** Creates a ScalingPolicy; `fieldValidation: Strict` as kubectl does, so unknown fields fail. */
export async function createPolicy(k: TestKube, namespace: string, name: string, spec: unknown): Promise<void> {
  await k.custom.createNamespacedCustomObject({
    group: crdGroup,
    version: crdVersion,
    namespace,
    plural: crdPlural,
    fieldValidation: 'Strict',
    body: { apiVersion: `${crdGroup}/${crdVersion}`, kind: 'ScalingPolicy', metadata: { name }, spec },
  });
}

/** A ScalingPolicy as stored (spec with defaults, status). */
export async function readPolicy(k: TestKube, namespace: string, name: string) {
  return (await k.custom.getNamespacedCustomObject({
    group: crdGroup,
    version: crdVersion,
    namespace,
    plural: crdPlural,
    name,
  })) as {
    spec: Record<string, unknown>;
    status?: import('../../operator/src/crd/index.ts').ScalingPolicyStatus;
  };
}

/** The status of one condition type ('True', 'False', 'Unknown', or undefined when unset). */
export const conditionOf = (p: Awaited<ReturnType<typeof readPolicy>>, type: string) =>
  p.status?.conditions?.find((c) => c.type === type);

/** events.k8s.io/v1 Events in a namespace, oldest first. */
export async function listEvents(k: TestKube, namespace: string) {
  const list = await k.events.listNamespacedEvent({ namespace });
  return list.items.sort((a, b) => +new Date(a.eventTime ?? 0) - +new Date(b.eventTime ?? 0));
}

/** A port for the operator tests' own processes: AVELON_PORT_BASE + 50..59, apart from the stack's. */
export const testPort = (offset: number) => env.AVELON_PORT_BASE + 50 + offset;
