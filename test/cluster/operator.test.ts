// Proves the operator works as it would in a user's cluster: its image runs as a pod with its own
// least-privilege service account, finds the API pods through the EndpointSlices of their Service and
// scrapes them, and drives a real HPA that the controller-manager acts on. A latency SLO violation
// under load from the host lowers the HPA's CPU target and the HPA then adds API pods; once latency is
// well under the SLO the operator raises the target again, and without load the pods go.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connectCluster,
  cpuTargetOf,
  createPolicy,
  listEvents,
  readHpa,
  readPolicy,
  type TestKube,
} from '../support/kube.ts';
import { ensurePlatform, kubectl, manifest, platformNamespace, readyPods } from '../support/platform.ts';
import { type Load, load } from '../support/processes.ts';
import { eventually } from '../support/stack.ts';

const name = 'api-slo';
const nodePort = 30082;
const policy = 'api-slo';
const ns = platformNamespace;
let k: TestKube;
let traffic: Load | undefined;

before(async () => {
  k = await connectCluster();
  await ensurePlatform(k);
  await kubectl(k, ['apply', '-n', ns, '-f', '-'], manifest('scaled-api.yaml', { name, nodePort, cpuTarget: 80 }));
  await kubectl(k, ['-n', ns, 'rollout', 'status', `deployment/${name}`, '--timeout=180s']);
});

after(async () => {
  traffic?.stop();
  await kubectl(k, ['delete', '-n', ns, 'scalingpolicy', policy, '--ignore-not-found']);
  await kubectl(k, ['delete', '-n', ns, '-f', '-'], manifest('scaled-api.yaml', { name, nodePort, cpuTarget: 80 }));
});

const operatorLogs = () => kubectl(k, ['-n', ns, 'logs', 'deployment/operator', '--tail=40']).catch(String);

test('an SLO violation lowers the CPU target, the HPA adds pods; calm raises the target again', async () => {
  // An SLO of 1 ms: every uncached list page misses it, so the violation is the load itself.
  await createPolicy(k, ns, policy, {
    evaluationIntervalSeconds: 1,
    api: { hpa: name, p95LatencyMs: 1, cpuTarget: { min: 20, max: 80 }, minReplicas: { min: 1, max: 3 } },
    metrics: { windowSeconds: 10, scrape: { api: { service: name, port: 'metrics' } } },
    behavior: {
      cpuTargetDownIntervalSeconds: 5,
      raiseAfterSeconds: 10,
      cpuTargetUpIntervalSeconds: 5,
      cpuTargetUpStep: 10,
    },
  });
  traffic = load(`http://127.0.0.1:${nodePort}/api/v1/products?limit=20&sort=newest`, {
    perSecond: 60,
    maxRequests: 30_000,
    maxSeconds: 400,
    maxInFlight: 32,
  });

  // The status is written after the HPA patch: wait for both, then read why.
  const lowered = async () =>
    (await readPolicy(k, ns, policy)).status?.recentDecisions?.find((d) => d.target === `hpa/${name}.cpuTarget`);
  await eventually(
    'the CPU target lowered, and the status saying why',
    async () => (cpuTargetOf(await readHpa(k, ns, name)) ?? 80) < 80 && !!(await lowered()),
    120_000,
  ).catch(async (e) => assert.fail(`${e}\n${await operatorLogs()}`));
  // The p95 it saw came from the pods behind the Service: nothing else names them.
  const seen = /p95 ([\d.]+) ms > SLO 1 ms/.exec((await lowered())?.reason ?? '');
  assert.ok(seen && Number(seen[1]) > 1, `the decision's reason: ${(await lowered())?.reason}`);
  assert.ok((await listEvents(k, ns)).some((e) => e.reason === 'CpuTargetLowered' && e.related?.name === name));

  await eventually('the HPA adds API pods', async () => (await readyPods(k, name)).length > 1, 150_000);
  const lowest = cpuTargetOf(await readHpa(k, ns, name)) ?? 0;

  // Calm: the same latency is now well under a generous SLO; the operator loosens step by step.
  await kubectl(k, [
    '-n',
    ns,
    'patch',
    'scalingpolicy',
    policy,
    '--type=merge',
    '-p',
    '{"spec":{"api":{"p95LatencyMs":5000}}}',
  ]);
  const raised = async () =>
    (await readPolicy(k, ns, policy)).status?.recentDecisions?.find(
      (d) => d.target === `hpa/${name}.cpuTarget` && d.to > lowest,
    );
  await eventually(
    `the CPU target raised again above ${lowest}, and the status saying why`,
    async () => (cpuTargetOf(await readHpa(k, ns, name)) ?? 0) > lowest && !!(await raised()),
    120_000,
  ).catch(async (e) => assert.fail(`${e}\n${await operatorLogs()}`));
  assert.match((await raised())?.reason ?? '', /under \d+% of the SLO/);

  traffic.stop();
  await eventually('the pods go without load', async () => (await readyPods(k, name)).length === 1, 180_000);
});
