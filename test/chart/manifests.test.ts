// Proves, on the manifests `helm template` renders from the defaults and from each ci/ value file:
// resources, probes and security contexts on every container, pinned images, no RBAC wildcards,
// selectors that match their pods, HPAs that target the chart's Deployments — and that each rule
// fails on a manifest that breaks it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  danglingTargets,
  missingProbes,
  missingResources,
  rbacWildcards,
  selectorMismatches,
  unpinnedImages,
  weakSecurity,
} from './checks.ts';
import { chartDir, ciValueFiles, helm, type Manifest, podSpec, render, repoRoot } from './helm.ts';

const rules = {
  missingResources,
  missingProbes,
  weakSecurity,
  unpinnedImages,
  rbacWildcards,
  selectorMismatches,
  danglingTargets,
};

for (const file of [undefined, ...ciValueFiles]) {
  const name = file ? `ci/${basename(file)}` : 'defaults';
  describe(`rendered with ${name}`, () => {
    const rendered = render(file ? [file] : []);
    for (const [rule, check] of Object.entries(rules)) {
      test(`no ${rule}`, async () => {
        const ms = await rendered;
        assert.ok(ms.length > 10, `only ${ms.length} manifests rendered`);
        assert.deepEqual(check(ms), []);
      });
    }
    test('worker pods get longer to stop than their jobs get to finish', async () => {
      const workers = (await rendered).filter(
        (m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/component'] === 'worker',
      );
      for (const w of workers) {
        const spec = podSpec(w);
        const env = Object.fromEntries(
          spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
        );
        assert.ok(spec.terminationGracePeriodSeconds * 1000 > Number(env.WORKER_SHUTDOWN_TIMEOUT_MS), w.metadata.name);
      }
    });
  });
}

describe('the rules fail on manifests that break them', () => {
  const bad: Manifest[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad' },
      spec: {
        selector: { matchLabels: { app: 'other' } },
        template: {
          metadata: { labels: { app: 'bad' } },
          spec: { containers: [{ name: 'c', image: 'localhost/avelon/api:latest', securityContext: {} }] },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'nobody' } } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'hpa' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'missing' } },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
    },
  ];
  for (const [rule, check] of Object.entries(rules)) {
    test(`${rule} reports the broken manifest`, () => {
      assert.notDeepEqual(check(bad), []);
    });
  }
});

describe('the defaults', () => {
  const rendered = render();
  const byKind = async (kind: string) => (await rendered).filter((m) => m.kind === kind);

  test('the ScalingPolicy CRD is operator/crd, kept on uninstall', async () => {
    const [crd] = await byKind('CustomResourceDefinition');
    assert.ok(crd);
    const source = parse(
      readFileSync(join(repoRoot, 'operator/crd/scalingpolicies.autoscaling.avelon.io.yaml'), 'utf8'),
    );
    assert.deepEqual(crd.spec, source.spec);
    assert.equal(crd.metadata.name, source.metadata.name);
    assert.equal(crd.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  });

  test('no Grafana dashboard unless asked for', async () => {
    assert.deepEqual(await byKind('ConfigMap').then((l) => l.filter((m) => m.metadata.name.includes('grafana'))), []);
  });

  test('the operator runs two replicas with its own service account', async () => {
    const op = (await byKind('Deployment')).find((m) => m.metadata.name === 'avelon-operator');
    assert.equal(op?.spec.replicas, 2);
    assert.equal(podSpec(op as Manifest).serviceAccountName, 'avelon-operator');
  });

  test('a deleted API pod keeps serving through a preStop pause shorter than its grace period', async () => {
    const api = (await byKind('Deployment')).find((m) => m.metadata.name === 'avelon-api');
    const spec = podSpec(api as Manifest);
    const pause = spec.containers[0].lifecycle?.preStop?.sleep?.seconds;
    assert.ok(pause > 0, 'a preStop sleep');
    assert.ok(
      pause < spec.terminationGracePeriodSeconds,
      `pause ${pause} s < grace ${spec.terminationGracePeriodSeconds} s`,
    );
  });

  test('every app is probed on its ops port (named metrics, OPS_PORT): /readyz, /livez; its Service exposes it', async () => {
    const apps = ['api', 'worker', 'operator', 'admin-metrics'];
    const deployments = (await byKind('Deployment')).filter((m) =>
      apps.includes(m.metadata.labels?.['app.kubernetes.io/component'] ?? ''),
    );
    assert.equal(deployments.length, 5, 'api, two workers, operator, admin-metrics');
    for (const d of deployments) {
      const c = podSpec(d).containers[0];
      const ops = c.ports.find((p: { name: string }) => p.name === 'metrics')?.containerPort;
      const env = (name: string) => c.env.find((e: { name: string }) => e.name === name)?.value;
      assert.equal(String(ops), env('OPS_PORT'), `${d.metadata.name}: the port named metrics is OPS_PORT`);
      assert.equal(env('OPS_HOST'), '0.0.0.0', d.metadata.name);
      assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'metrics' }, d.metadata.name);
      assert.deepEqual(c.livenessProbe.httpGet, { path: '/livez', port: 'metrics' }, d.metadata.name);
    }
    for (const svc of (await byKind('Service')).filter((m) =>
      apps.includes(m.metadata.labels?.['app.kubernetes.io/component'] ?? ''),
    )) {
      assert.ok(
        svc.spec.ports.some(
          (p: { name: string; targetPort: string }) => p.name === 'metrics' && p.targetPort === 'metrics',
        ),
        `${svc.metadata.name} exposes the ops port as metrics`,
      );
    }
  });

  test('one worker Deployment and HPA per queue, each consuming its queue only', async () => {
    const workers = (await byKind('Deployment')).filter((m) => m.metadata.name.startsWith('avelon-worker-'));
    assert.deepEqual(workers.map((w) => w.metadata.name).sort(), [
      'avelon-worker-emails',
      'avelon-worker-notifications',
    ]);
    for (const w of workers) {
      const queues = podSpec(w).containers[0].env.find((e: { name: string }) => e.name === 'WORKER_QUEUES');
      assert.equal(`avelon-worker-${queues.value}`, w.metadata.name);
    }
  });

  test('the queue Redis never evicts and keeps an append-only file on a claim; the cache evicts', async () => {
    const sets = await byKind('StatefulSet');
    const queue = sets.find((m) => m.metadata.name === 'avelon-redis-queue');
    const env = (m: Manifest) =>
      Object.fromEntries(podSpec(m).containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    assert.equal(env(queue as Manifest).REDIS_MAXMEMORY_POLICY, 'noeviction');
    assert.equal(env(queue as Manifest).REDIS_APPENDONLY, 'yes');
    assert.equal(queue?.spec.volumeClaimTemplates[0].metadata.name, 'data');
    const cache = (await byKind('Deployment')).find((m) => m.metadata.name === 'avelon-redis-cache');
    assert.equal(env(cache as Manifest).REDIS_MAXMEMORY_POLICY, 'allkeys-lru');
  });

  test('replicas clone the primary through its read-write Service', async () => {
    const replica = (await byKind('StatefulSet')).find((m) => m.metadata.name === 'avelon-postgresql-replica');
    const env = podSpec(replica as Manifest).containers[0].env;
    assert.equal(env.find((e: { name: string }) => e.name === 'POSTGRES_PRIMARY_HOST')?.value, 'avelon-postgresql');
    // No fixed slot name: the image names each slot after its pod, so every replica has its own.
    assert.equal(
      env.find((e: { name: string }) => e.name === 'POSTGRES_REPLICATION_SLOT'),
      undefined,
    );
  });

  test('migrations run after install and before each upgrade', async () => {
    const job = (await byKind('Job')).find((m) => m.metadata.name === 'avelon-migrate');
    assert.equal(job?.metadata.annotations?.['helm.sh/hook'], 'post-install,pre-upgrade');
    assert.equal(podSpec(job as Manifest).initContainers[0].name, 'wait-for-database');
  });

  test('no StorageClass is named unless asked for', async () => {
    const claims = (await byKind('StatefulSet')).flatMap((m) => m.spec.volumeClaimTemplates ?? []);
    assert.ok(claims.length >= 2);
    for (const c of claims) assert.equal(c.spec.storageClassName, undefined);
  });

  test('NetworkPolicies guard every database and Redis', async () => {
    const guarded = (await byKind('NetworkPolicy')).map(
      (m) => m.spec.podSelector.matchLabels['app.kubernetes.io/component'],
    );
    assert.deepEqual(guarded.sort(), ['pgbouncer', 'postgresql', 'postgresql-replica', 'redis-cache', 'redis-queue']);
  });
});

test('a preStop pause as long as the grace period is refused, naming both values', async () => {
  const r = await helm(['template', 'avelon', chartDir, '--set', 'api.shutdownDelaySeconds=30']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /api\.shutdownDelaySeconds must be below api\.terminationGracePeriodSeconds/);
});

test('three replicas get three replica URLs, one per pod', async () => {
  const ms = await render([join(repoRoot, 'charts/avelon/ci/three-replicas-values.yaml')]);
  const secret = ms.find((m) => m.kind === 'Secret' && m.metadata.name === 'avelon');
  const urls = String(secret?.stringData['replica-urls']).split(',');
  assert.equal(urls.length, 3);
  urls.forEach((u, i) => {
    assert.match(u, new RegExp(`@avelon-postgresql-replica-${i}\\.avelon-postgresql-replica-hl:5432/avelon$`));
  });
});

test('with external services nothing of Postgres or Redis is deployed and the apps read the given Secrets', async () => {
  const ms = await render([join(repoRoot, 'charts/avelon/ci/external-services-values.yaml')]);
  const components = new Set(ms.map((m) => m.metadata.labels?.['app.kubernetes.io/component']));
  for (const c of ['postgresql', 'postgresql-replica', 'pgbouncer', 'redis-cache', 'redis-queue'])
    assert.ok(!components.has(c), c);
  const api = ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'avelon-api');
  const ref = (name: string) =>
    podSpec(api as Manifest).containers[0].env.find((e: { name: string }) => e.name === name)?.valueFrom?.secretKeyRef
      ?.name;
  assert.equal(ref('DATABASE_URL'), 'shop-database');
  assert.equal(ref('REDIS_QUEUE_URL'), 'shop-redis');
});

test('the Grafana dashboard ConfigMap carries the dashboard admin-metrics ships, for the sidecar', async () => {
  const rendered = await render([], ['monitoring.grafanaDashboard.enabled=true']);
  const map = rendered.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'avelon-grafana-dashboard');
  assert.ok(map, 'a ConfigMap');
  assert.equal(map.metadata.labels?.grafana_dashboard, '1');
  const shipped = readFileSync(join(repoRoot, 'admin-metrics/grafana/avelon.json'), 'utf8');
  // The chart can only read files inside it: its copy must not drift from the dashboard's own.
  assert.deepEqual(JSON.parse((map.data as Record<string, string>)['avelon.json'] ?? ''), JSON.parse(shipped));
});
