// Proves the operator starts and keeps working while its Redis servers cannot be reached (a pod that
// starts before the Redis beside it): it reports the queue as missing instead of exiting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  connectCluster,
  createPolicy,
  createScaledApp,
  dropNamespace,
  freshNamespace,
  installCrd,
  readPolicy,
  type TestKube,
  testPort,
} from '../support/kube.ts';
import { type Child, startOperator } from '../support/processes.ts';
import { eventually } from '../support/stack.ts';

const operatorPort = testPort(4);
// Port 1: privileged, and no server of this machine's listens there: connections are refused at once.
const nowhere = 'redis://127.0.0.1:1';
let k: TestKube;
let ns: string;
let operator: Child | undefined;

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  ns = await freshNamespace(k, 'op-redis-down');
  await createScaledApp(k, ns, 'avelon-worker', { cpu: 80, min: 1, max: 5 });
  await createPolicy(k, ns, 'avelon', {
    evaluationIntervalSeconds: 1,
    workers: [{ queue: 'emails', hpa: 'avelon-worker', maxWaitSeconds: 10, replicas: { min: 1, max: 5 } }],
  });
});

after(async () => {
  await operator?.stop();
  await dropNamespace(k, ns);
});

test('with both Redis unreachable the operator runs and reports the queue missing', async () => {
  operator = await startOperator(operatorPort, {
    KUBECONFIG: k.kubeconfig,
    OPERATOR_NAMESPACE: ns,
    OPERATOR_IDENTITY: 'operator-redis-down',
    REDIS_QUEUE_URL: nowhere,
    REDIS_CACHE_URL: nowhere,
  });
  await eventually(
    `the queue reported missing\n${operator.logs()}`,
    async () =>
      !!(await readPolicy(k, ns, 'avelon')).status?.observed?.queues?.find((q) => q.queue === 'emails')?.missing,
    30_000,
  );
  assert.equal(operator.proc.exitCode, null, `the operator exited:\n${operator.logs()}`);
  assert.ok((await fetch(`http://127.0.0.1:${operatorPort}/readyz`)).ok);
});
