// Proves: the generated CRD installs on a real kube-apiserver; the server itself rejects invalid
// ScalingPolicies with the schema's messages (inverted bounds via CEL, negative values, unknown fields);
// a minimal policy is stored with the schema's defaults; printer columns are served.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { messageOf } from '../../operator/src/controller/kube.ts';
import { crdPlural } from '../../operator/src/crd/index.ts';
import {
  connectCluster,
  createPolicy,
  dropNamespace,
  freshNamespace,
  installCrd,
  readPolicy,
  type TestKube,
} from '../support/kube.ts';
import { kubectl } from '../support/platform.ts';

let k: TestKube;
let ns: string;
const api = { hpa: 'avelon-api', p95LatencyMs: 50, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } };

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-crd');
});
after(() => dropNamespace(k, ns));

const rejection = async (spec: unknown): Promise<string> => {
  try {
    await createPolicy(k, ns, `bad-${Math.random().toString(36).slice(2, 8)}`, spec);
  } catch (e) {
    return messageOf(e);
  }
  assert.fail('the apiserver accepted an invalid ScalingPolicy');
};

// [what, spec, what the apiserver must say]
const invalid: Array<[string, unknown, RegExp]> = [
  // CEL rule on a bounds object
  ['inverted CPU bounds', { api: { ...api, cpuTarget: { min: 80, max: 40 } } }, /cpuTarget: min must not exceed max/],
  // CEL rule on a list item
  [
    'TTL default outside its bounds',
    {
      cache: { hitRateTarget: 0.9, classes: [{ name: 'product', ttlSeconds: { min: 60, default: 6000, max: 3600 } }] },
    },
    /ttlSeconds: min <= default <= max must hold/,
  ],
  // plain schema minimum
  ['negative latency SLO', { api: { ...api, p95LatencyMs: -5 } }, /p95LatencyMs.*greater than or equal to 1/],
  // hit rate is a ratio
  ['hit rate above 1', { cache: { hitRateTarget: 1.5, classes: [] } }, /hitRateTarget.*less than or equal to 1/],
  // unknown field (kubectl's default fieldValidation=Strict)
  ['unknown field', { api, replicasPlease: 3 }, /unknown field "spec.replicasPlease"/],
  // cross-field rule on the metrics block
  ['prometheus without url', { metrics: { source: 'prometheus' } }, /metrics.prometheus.url is required/],
  // one entry per queue (list-map key)
  [
    'same queue twice',
    {
      workers: [
        { queue: 'emails', hpa: 'w', maxWaitSeconds: 30, replicas: { min: 1, max: 5 } },
        { queue: 'emails', hpa: 'w2', maxWaitSeconds: 30, replicas: { min: 1, max: 5 } },
      ],
    },
    /Duplicate value/,
  ],
];

for (const [what, spec, want] of invalid) {
  test(`the apiserver rejects: ${what}`, async () => {
    assert.match(await rejection(spec), want);
  });
}

test('a minimal policy is stored with the schema defaults', async () => {
  await createPolicy(k, ns, 'minimal', { api });
  const p = await readPolicy(k, ns, 'minimal');
  assert.equal(p.spec.evaluationIntervalSeconds, 2);
  assert.equal(p.spec.dryRun, false);
  assert.deepEqual(p.spec.metrics, {
    source: 'scrape',
    queueSource: 'bullmq',
    windowSeconds: 30,
    staleAfterSeconds: 10,
  });
  assert.equal((p.spec.behavior as Record<string, number>).raiseAfterSeconds, 60);
});

test('kubectl get shows the printer columns', async () => {
  // The node's own kubectl: it asks for a Table, whose columns come from additionalPrinterColumns.
  const out = await kubectl(k, ['get', crdPlural, '-n', ns]);
  const header = out.split('\n')[0]?.split(/\s{2,}/) ?? [];
  for (const c of ['NAME', 'SLO-MS', 'P95-MS', 'CPU-TARGET', 'API-FLOOR', 'METRICS', 'READY', 'AGE'])
    assert.ok(header.includes(c), `${c} in ${JSON.stringify(header)}`);
});
