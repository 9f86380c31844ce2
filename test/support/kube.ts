// The operator tests' own Kubernetes control plane (etcd + kube-apiserver from scripts/kube/start.sh)
// and helpers to set up what they need in it. Ports derive from AVELON_PORT_BASE so the stack of
// `make test-integration` (25400: kube 26443, etcd 26379/26380) and a developer's private stack never
// collide; AVELON_OPERATOR_KUBE_PORT / _ETCD_PORT / _ETCD_PEER_PORT override them.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadConfig } from '@avelon/core';
import {
  ApiextensionsV1Api,
  AppsV1Api,
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
    AVELON_DATA_DIR: z.string().default(`${repoRoot}.data/test`),
    AVELON_OPERATOR_KUBE_PORT: z.coerce.number().int().optional(),
    AVELON_OPERATOR_ETCD_PORT: z.coerce.number().int().optional(),
    AVELON_OPERATOR_ETCD_PEER_PORT: z.coerce.number().int().optional(),
  },
  process.env,
);

/** Where and on which ports the tests' control plane runs. */
export const controlPlane = {
  dir: `${env.AVELON_DATA_DIR}/kube-operator`,
  kubePort: env.AVELON_OPERATOR_KUBE_PORT ?? env.AVELON_PORT_BASE + 1043,
  etcdPort: env.AVELON_OPERATOR_ETCD_PORT ?? env.AVELON_PORT_BASE + 979,
  etcdPeerPort: env.AVELON_OPERATOR_ETCD_PEER_PORT ?? env.AVELON_PORT_BASE + 980,
};

const scriptEnv = () => ({
  ...process.env,
  AVELON_KUBE_DIR: controlPlane.dir,
  AVELON_KUBE_PORT: String(controlPlane.kubePort),
  AVELON_ETCD_PORT: String(controlPlane.etcdPort),
  AVELON_ETCD_PEER_PORT: String(controlPlane.etcdPeerPort),
});

const alive = (pidFile: string) => {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
};

/** Test-only API clients on top of the operator's. */
export interface TestKube extends Kube {
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  ext: ApiextensionsV1Api;
  /** True when this call started the control plane (so the caller stops it). */
  startedHere: boolean;
}

/** Starts the control plane if it is not running (idempotent) and returns clients for it. */
export async function startControlPlane(): Promise<TestKube> {
  const wasRunning = alive(`${controlPlane.dir}/kube-apiserver.pid`) && alive(`${controlPlane.dir}/etcd.pid`);
  const { stdout } = await run('bash', [`${repoRoot}scripts/kube/start.sh`], { env: scriptEnv(), timeout: 200_000 });
  const kubeconfig = stdout.trim().split('\n').at(-1) ?? '';
  const kube = kubeClients(kubeconfig);
  return {
    ...kube,
    kubeconfig,
    core: kube.config.makeApiClient(CoreV1Api),
    apps: kube.config.makeApiClient(AppsV1Api),
    ext: kube.config.makeApiClient(ApiextensionsV1Api),
    startedHere: !wasRunning,
  };
}

/** Stops the control plane if `k` started it (data kept: the next start is quicker). */
export async function stopControlPlane(k: TestKube | undefined): Promise<void> {
  if (k?.startedHere && existsSync(controlPlane.dir)) {
    await run('bash', [`${repoRoot}scripts/kube/stop.sh`], { env: scriptEnv(), timeout: 60_000 });
  }
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

/** A Deployment (stored, never reconciled: there is no controller-manager) and its CPU-target HPA. */
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
        template: { metadata: { labels }, spec: { containers: [{ name, image: 'example.invalid/avelon:test' }] } },
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
