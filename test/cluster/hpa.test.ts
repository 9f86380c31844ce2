// Proves the node's autoscaling is real: metrics-server measures the API pods' CPU, the
// controller-manager's HPA adds API pods while load sent from the host through 127.0.0.1 (a NodePort)
// keeps CPU over the target, and removes them once the load stops. Nothing here changes the HPA: the
// operator's part is test/cluster/operator.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connectCluster, type TestKube } from '../support/kube.ts';
import { ensurePlatform, kubectl, manifest, platformNamespace, readyPods } from '../support/platform.ts';
import { type Load, load } from '../support/processes.ts';
import { eventually } from '../support/stack.ts';

const name = 'api-hpa';
const nodePort = 30081;
let k: TestKube;
let traffic: Load | undefined;

before(async () => {
  k = await connectCluster();
  await ensurePlatform(k);
  await kubectl(
    k,
    ['apply', '-n', platformNamespace, '-f', '-'],
    manifest('scaled-api.yaml', { name, nodePort, cpuTarget: 50 }),
  );
  await kubectl(k, ['-n', platformNamespace, 'rollout', 'status', `deployment/${name}`, '--timeout=180s']);
});

after(async () => {
  traffic?.stop();
  await kubectl(
    k,
    ['delete', '-n', platformNamespace, '-f', '-'],
    manifest('scaled-api.yaml', { name, nodePort, cpuTarget: 50 }),
  );
});

const hpaStatus = async () =>
  (await k.autoscaling.readNamespacedHorizontalPodAutoscaler({ name, namespace: platformNamespace })).status;

test('an HPA on CPU adds API pods under load from the host, and removes them after', async () => {
  assert.equal((await readyPods(k, name)).length, 1, 'one pod before the load');
  // Uncached list pages: about a millisecond of the pod's CPU each, so 150 a second is well over
  // half of its 100m request. Bounded: at most 3 minutes.
  traffic = load(`http://127.0.0.1:${nodePort}/api/v1/products?limit=20&sort=price_asc`, {
    perSecond: 150,
    maxRequests: 27_000,
    maxSeconds: 180,
    maxInFlight: 32,
  });
  const started = Date.now();
  await eventually(
    'the HPA to see CPU over its target',
    async () => ((await hpaStatus())?.desiredReplicas ?? 0) > 1,
    150_000,
  );
  await eventually('a second Ready API pod', async () => (await readyPods(k, name)).length > 1, 120_000);
  const up = Date.now() - started;
  const served = traffic.counts();
  traffic.stop();
  assert.ok((served.statuses[200] ?? 0) > 100, `the load was served: ${JSON.stringify(served)}`);

  const calm = Date.now();
  await eventually('the HPA to go back to one pod', async () => (await hpaStatus())?.desiredReplicas === 1, 180_000);
  await eventually('the extra pods removed', async () => (await readyPods(k, name)).length === 1, 120_000);
  console.log(
    `scaled up in ${Math.round(up / 1000)} s under load, back down ${Math.round((Date.now() - calm) / 1000)} s after it`,
  );
});
