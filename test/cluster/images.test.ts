// Proves the images of `make images` run on a real node as what users would run: each app image as a
// pod (non-root, read-only root filesystem) answering /readyz on its ops port, and the Postgres, Redis
// and PgBouncer images accepting connections from another pod through their Service names — a
// streaming replica included. test/cluster/platform.yaml is the wiring.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { connectCluster, type TestKube } from '../support/kube.ts';
import { apiNodePort, ensurePlatform, kubectl, platformNamespace, readyPods } from '../support/platform.ts';

let k: TestKube;

before(async () => {
  k = await connectCluster();
  await ensurePlatform(k);
});

// [app label, ops port (platform.yaml's port named metrics), probe path]
const apps: Array<[string, number, string]> = [
  ['api', 9464, '/readyz'],
  ['worker', 9090, '/readyz'],
  ['operator', 15412, '/readyz'],
  ['admin-metrics', 9464, '/readyz'],
];

for (const [app, port, path] of apps) {
  test(`the ${app} image runs as a pod and answers ${path}`, async () => {
    const [pod] = await readyPods(k, app);
    assert.ok(pod, `a Ready ${app} pod`);
    const ip = pod.status?.podIP;
    // Pod addresses live on the node's bridge on this machine: the host reaches them directly.
    const res = await fetch(`http://${ip}:${port}${path}`);
    assert.equal(res.status, 200, `${app} ${path}: ${await res.text()}`);
    const image = pod.spec?.containers[0]?.image ?? '';
    assert.match(image, new RegExp(`^localhost/avelon/${app}:[0-9a-f]{12}$`), 'the image built here, by content hash');
    const started = pod.status?.containerStatuses?.[0];
    assert.equal(started?.ready, true);
    // A restart is a crash or a failed liveness probe: either is a defect of the image or its wiring.
    const last = started?.lastState?.terminated;
    assert.equal(
      started?.restartCount,
      0,
      `${app} restarted: ${last?.reason} (exit ${last?.exitCode}) ${last?.message ?? ''}`,
    );
  });
}

test('the API answers from the host through 127.0.0.1 (a NodePort) and reads the migrated schema', async () => {
  const res = await fetch(`http://127.0.0.1:${apiNodePort}/api/v1/products?limit=1`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const body = JSON.parse(text) as { data: unknown[]; meta: { total: number } };
  assert.ok(Array.isArray(body.data), `a product list from the migrated schema: ${text}`);
  assert.equal(typeof body.meta.total, 'number');
});

test('postgres (and its replica), pgbouncer and both Redis accept connections from another pod by Service name', async () => {
  const job = await k.batch.readNamespacedJob({ name: 'connect', namespace: platformNamespace });
  assert.equal(job.status?.succeeded, 1, 'the connect Job succeeded');
  const logs = await kubectl(k, ['-n', platformNamespace, 'logs', 'job/connect', '--all-containers']);
  assert.match(logs, /postgres, its replica and pgbouncer answer through their Service names/);
  assert.match(logs, /both Redis answer through their Service names/);
});

test('the primary keeps its data on a PersistentVolume of the node', async () => {
  const claim = await k.core.readNamespacedPersistentVolumeClaim({
    name: 'data-postgres-0',
    namespace: platformNamespace,
  });
  assert.equal(claim.status?.phase, 'Bound');
  assert.equal(claim.spec?.storageClassName, 'avelon-local', 'the default StorageClass of the node');
});
