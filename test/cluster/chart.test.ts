// Proves the Helm chart on the real node, as a platform engineer would use it: `helm install` with the
// defaults (only the images' tags, the API's NodePort, the SMTP relay and the per-client limits set)
// brings every pod to Ready, applies the migrations and passes `helm test`; the API answers from the
// host; a shopper signs in with the code a worker pod mailed, reads their own writes back at once from
// any API pod, and a worker pod mails the order confirmation; `helm upgrade` to a new image tag and
// values rolls the pods and keeps every secret and the data; reads survive the replica pod being killed
// and the replica rejoins; killing the operator's leader hands the Lease to the other pod; under load
// the operator in the cluster lowers the API's CPU target and the HPA adds pods; a queue burst raises
// the worker floor and worker pods start; an API pod and a worker pod deleted under load lose no order
// or mail; `helm uninstall` keeps exactly what docs/install.md says it keeps. The failovers come before
// the load: pods the HPAs add fill the node's 2 CPUs, and a replica pod would wait for room.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { type MailSink, startMailSink } from '../../scripts/mail-sink/sink.ts';
import {
  componentPods,
  freshRequest,
  helm as helmIn,
  imageTag,
  isReady,
  nodeAddress,
  nodeValues,
  pods as podsOf,
  psql as psqlIn,
  type Release,
  secretValues,
} from '../support/chart.ts';
import {
  connectCluster,
  cpuTargetOf,
  imageRef,
  installCrd,
  listEvents,
  readHpa,
  readPolicy,
  type TestKube,
} from '../support/kube.ts';
import { kubectl } from '../support/platform.ts';
import { type Load, load } from '../support/processes.ts';
import { eventually, repoRoot } from '../support/stack.ts';

const run = promisify(execFile);
const ns = 'chart-e2e';
const release = 'avelon';
const nodePort = 30090;
const api = `http://127.0.0.1:${nodePort}`;
let k: TestKube;
let r: Release;
let sink: MailSink;
let traffic: Load | undefined;
// A second tag of the API image, made on the node, for the upgrade to roll to.
const upgradeTag = `${imageTag('api')}-upgrade`;

const helm = (...args: string[]) => helmIn(r, ...args);
const pods = () => podsOf(r);
const psql = (sql: string) => psqlIn(r, sql);
const ctr = (...args: string[]) =>
  run('ctr', ['--address', '/run/avelon-cluster/containerd.sock', '-n', 'k8s.io', ...args]);
const values = (extra: Record<string, string | number> = {}) =>
  nodeValues({
    'api.service.type': 'NodePort',
    'api.service.nodePort': nodePort,
    // Mail goes to this file's SMTP sink on the host, which pods reach at the node's address.
    'workers.smtp.host': nodeAddress(k),
    'workers.smtp.port': sink.smtpPort,
    // The CRD is one per cluster and the other node tests installed it already (docs/install.md).
    'crds.install': 'false',
    // This file's one host address and one shopper stand for a crowd: the per-address and per-user
    // limits (docs/api.md) are set out of reach, or the load would only measure 429s.
    'api.env.RATE_LIMIT_GENERAL_MAX': 100_000_000,
    'api.env.RATE_LIMIT_CHECKOUT_MAX': 100_000,
    'api.env.RATE_LIMIT_WRITES_MAX': 100_000,
    ...extra,
  });

before(async () => {
  k = await connectCluster();
  r = { k, namespace: ns, name: release };
  await installCrd(k);
  sink = await startMailSink({ smtpPort: 0, httpPort: 0, host: nodeAddress(k) });
  // A namespace left by an interrupted run would make `helm install` refuse.
  await kubectl(k, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=300s']);
  await run('bash', [`${repoRoot}scripts/cluster/reclaim-volumes.sh`], { env: process.env });
});

after(async () => {
  traffic?.stop();
  await helm('uninstall', release, '--wait').catch(() => undefined);
  await kubectl(k, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=300s']);
  await run('bash', [`${repoRoot}scripts/cluster/reclaim-volumes.sh`], { env: process.env });
  await ctr('images', 'rm', imageRef('api').replace(/:[^:]+$/, `:${upgradeTag}`)).catch(() => undefined);
  await sink?.close();
});

let productId = '';
// The signed-in shopper of the mail test, who shops on while pods are deleted.
let shopper: Record<string, string> = {};

test('helm install with the defaults: every pod Ready, migrations applied, helm test passes', async () => {
  await helm(
    'install',
    release,
    `${repoRoot}charts/avelon`,
    '--create-namespace',
    '--wait',
    '--timeout',
    '10m',
    ...values(),
  );
  const all = await pods();
  const running = all.filter((p) => p.status?.phase !== 'Succeeded');
  assert.ok(running.length >= 10, `the platform's pods: ${running.map((p) => p.metadata?.name)}`);
  for (const p of running) assert.ok(isReady(p), `${p.metadata?.name} is Ready (${p.status?.phase})`);
  // The post-install hook ran the migrations: the tables exist.
  await eventually(
    'migrations applied',
    async () => (await psql("select to_regclass('public.products')")).trim() === 'products',
    120_000,
  );
  const out = await helm('test', release, '--timeout', '5m');
  assert.match(out, /Phase:\s+Succeeded/);
  assert.doesNotMatch(out, /Phase:\s+Failed/);
});

test('the API Service answers from the host through 127.0.0.1 and lists what the primary holds', async () => {
  const brand = (await psql("insert into brands (slug, title) values ('e2e', 'E2E') returning id"))
    .trim()
    .split('\n')[0];
  productId =
    (
      await psql(
        `insert into products (slug, title, brand_id, price_cents, stock) values ('e2e-kettle', 'E2E kettle', ${brand}, 1999, 500) returning id`,
      )
    )
      .trim()
      .split('\n')[0] ?? '';
  // Read from the replica (the API's read path) once it has replayed the insert.
  await eventually(
    'the product listed',
    async () => {
      const res = await fetch(`${api}/api/v1/products/${productId}`);
      return res.status === 200 && ((await res.json()) as { title?: string }).title === 'E2E kettle';
    },
    30_000,
  );
  const streaming = await psql("select count(*) from pg_stat_replication where state = 'streaming'");
  assert.equal(streaming.trim(), '1', 'the replica streams from the primary');
});

/** Who sent a mail: the worker pod whose address the sink saw, if any. */
const senderPod = async (client: string | undefined) =>
  (await componentPods(r, 'worker')).find((p) => p.status?.podIP === client?.replace(/^::ffff:/, ''));

test('a shopper signs in with the mailed code, reads every write back at once, and a worker pod mails the order', async () => {
  const email = `shopper-${Date.now()}@example.test`;
  const otp = await freshRequest(`${api}/api/v1/auth/otp`, { method: 'POST', body: { email } });
  assert.equal(otp.status, 202);
  let code = '';
  await eventually(
    'the sign-in code mailed',
    async () => {
      const mail = (await sink.store.list()).find((m) => m.envelope.to.includes(email));
      code = /\b(\d{6})\b/.exec(mail?.subject ?? '')?.[1] ?? '';
      return code !== '';
    },
    60_000,
  );
  const verify = await freshRequest(`${api}/api/v1/auth/verify`, { method: 'POST', body: { email, code } });
  assert.equal(verify.status, 200, 'the mailed code signs in');
  const auth = { authorization: `Bearer ${(verify.json() as { accessToken: string }).accessToken}` };
  shopper = auth;

  // Each request on a new connection: the Service spreads them over both API pods, whose reads go to
  // the replica unless the write just made must be read from the primary.
  const added = await freshRequest(`${api}/api/v1/cart/items`, {
    method: 'POST',
    headers: auth,
    body: { productId: Number(productId), quantity: 2 },
  });
  assert.equal(added.status, 200);
  for (let i = 0; i < 10; i++) {
    const cart = await freshRequest(`${api}/api/v1/cart`, { headers: auth });
    const lines = (cart.json() as { items: Array<{ productId: number; quantity: number }> }).items;
    assert.deepEqual(
      lines.map((l) => [l.productId, l.quantity]),
      [[Number(productId), 2]],
      `read ${i}: the cart line just added`,
    );
  }
  const placed = await freshRequest(`${api}/api/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': `e2e-${Date.now()}` },
  });
  assert.equal(placed.status, 201);
  const order = placed.json() as { id: number; number: number };
  for (let i = 0; i < 10; i++) {
    const res = await freshRequest(`${api}/api/v1/orders/${order.id}`, { headers: auth });
    assert.equal(res.status, 200, `read ${i}: the order just placed`);
    const cart = await freshRequest(`${api}/api/v1/cart`, { headers: auth });
    assert.equal((cart.json() as { items: unknown[] }).items.length, 0, `read ${i}: the cart checked out`);
  }

  let confirmation: Awaited<ReturnType<MailSink['store']['list']>>[number] | undefined;
  await eventually(
    'the order confirmation mailed',
    async () => {
      confirmation = (await sink.store.list()).find(
        (m) => m.envelope.to.includes(email) && m.subject === `Order #${order.number} confirmed`,
      );
      return !!confirmation;
    },
    60_000,
  );
  const sender = await senderPod(confirmation?.envelope.client);
  assert.ok(sender, `sent by a worker pod (from ${confirmation?.envelope.client})`);
});

test('the dashboard finds the API, worker and operator pods through their EndpointSlices', async () => {
  const password = (await secretValues(r))['admin-password'] ?? '';
  const pod = (await componentPods(r, 'admin-metrics')).find(isReady);
  const port = pod?.spec?.containers[0]?.ports?.find((p) => p.name === 'http')?.containerPort;
  // Pod addresses are on the node's bridge, reachable from the host: no port-forward needed.
  const base = `http://${pod?.status?.podIP}:${port}`;
  const login = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin', password }),
  });
  assert.equal(login.status, 200, 'the generated admin password from the Secret logs in');
  const cookie =
    login.headers
      .getSetCookie()
      .find((c) => c.startsWith('avelon_admin='))
      ?.split(';')[0] ?? '';
  type Source = { role: string; state: string; total: number };
  let sources: Source[] = [];
  await eventually(
    'every source up, both API pods found',
    async () => {
      const res = await fetch(`${base}/api/overview?range=5m`, { headers: { cookie } });
      sources = ((await res.json()) as { sources: Source[] }).sources;
      return sources.every((x) => x.state === 'up') && (sources.find((x) => x.role === 'api')?.total ?? 0) >= 2;
    },
    60_000,
  ).catch(() => assert.fail(`sources: ${JSON.stringify(sources)}`));
});

test('helm upgrade to a new image tag and changed values rolls the pods and keeps every secret and the data', async () => {
  const secretsBefore = await secretValues(r);
  const apiPodsBefore = (await componentPods(r, 'api')).map((p) => p.metadata?.name);
  const newRef = imageRef('api').replace(/:[^:]+$/, `:${upgradeTag}`);
  await ctr('images', 'tag', '--force', imageRef('api'), newRef);
  await helm(
    'upgrade',
    release,
    `${repoRoot}charts/avelon`,
    '--wait',
    '--timeout',
    '10m',
    ...values({
      'api.image.tag': upgradeTag,
      'api.env.ACCESS_TOKEN_TTL_SECONDS': 600,
      'scalingPolicy.cache.classes[0].name': 'product',
      'scalingPolicy.cache.classes[0].ttlSeconds.min': 60,
      'scalingPolicy.cache.classes[0].ttlSeconds.default': 1200,
      'scalingPolicy.cache.classes[0].ttlSeconds.max': 3600,
    }),
  );
  assert.deepEqual(await secretValues(r), secretsBefore, 'every generated password and key kept');
  const apiPodsAfter = (await componentPods(r, 'api')).filter(isReady);
  assert.ok(apiPodsAfter.length >= 2);
  for (const p of apiPodsAfter) {
    assert.ok(!apiPodsBefore.includes(p.metadata?.name), `${p.metadata?.name} is new`);
    assert.equal(p.spec?.containers[0]?.image, newRef, `${p.metadata?.name} runs the new tag`);
    const env = p.spec?.containers[0]?.env ?? [];
    assert.equal(env.find((e) => e.name === 'ACCESS_TOKEN_TTL_SECONDS')?.value, '600');
  }
  const policy = await readPolicy(k, ns, release);
  const product = (
    policy.spec as { cache?: { classes?: Array<{ name: string; ttlSeconds: { default: number } }> } }
  ).cache?.classes?.find((c) => c.name === 'product');
  assert.equal(product?.ttlSeconds.default, 1200, 'the ScalingPolicy carries the new TTL default');
  // A client of a rolling Service retries a connection that landed on a pod going away.
  await eventually(
    'the data survived the upgrade',
    async () => (await fetch(`${api}/api/v1/products/${productId}`)).status === 200,
    30_000,
  );
});

test('reads survive the replica pod being killed, and the replica rejoins', async () => {
  const replica = `${release}-postgresql-replica-0`;
  const killed = (await k.core.readNamespacedPod({ name: replica, namespace: ns })).metadata?.uid;
  await kubectl(k, ['-n', ns, 'delete', 'pod', replica, '--grace-period=0', '--force']);
  // Uncached reads (a new page each time) while the replica is gone: answered from the primary.
  for (let page = 1; page <= 20; page++) {
    const res = await fetch(`${api}/api/v1/products?limit=1&page=${page}&sort=price_asc`);
    if (res.status !== 200) {
      const logs = await kubectl(k, ['-n', ns, 'logs', '-l', 'app.kubernetes.io/component=api', '--tail=20']);
      assert.fail(`page ${page} while the replica is down: ${res.status} ${await res.text()}\n${logs}`);
    }
  }
  await eventually(
    'a new replica pod Ready',
    async () => {
      const pod = await k.core.readNamespacedPod({ name: replica, namespace: ns });
      return pod.metadata?.uid !== killed && isReady(pod);
    },
    180_000,
  );
  const ip = (await k.core.readNamespacedPod({ name: replica, namespace: ns })).status?.podIP;
  await eventually(
    `the new replica (${ip}) streaming from the primary`,
    async () =>
      (
        await psql(`select count(*) from pg_stat_replication where state = 'streaming' and client_addr = '${ip}'`)
      ).trim() === '1',
    120_000,
  );
});

test("killing the operator's leader pod: the other replica takes the Lease", async () => {
  const holder = async () =>
    (await k.coordination.readNamespacedLease({ name: `${release}-operator`, namespace: ns })).spec?.holderIdentity ??
    '';
  await eventually('a leader', async () => (await holder()) !== '', 60_000);
  const leader = await holder();
  const operators = await componentPods(r, 'operator');
  assert.equal(operators.length, 2, 'two operator pods');
  const other = operators.map((p) => p.metadata?.name).find((n) => n !== leader);
  await kubectl(k, ['-n', ns, 'delete', 'pod', leader, '--grace-period=0', '--force']);
  await eventually(`the Lease taken over by ${other}`, async () => (await holder()) === other, 90_000);
});

const operatorLogs = () =>
  kubectl(k, ['-n', ns, 'logs', '-l', 'app.kubernetes.io/component=operator', '--tail=30']).catch(String);
const policyPatch = (spec: unknown) =>
  kubectl(k, ['-n', ns, 'patch', 'scalingpolicy', release, '--type=merge', '-p', JSON.stringify({ spec })]);
/** The ScalingPolicy's latest decision about `target`, as its status records it. */
const decided = async (target: string) =>
  (await readPolicy(k, ns, release)).status?.recentDecisions?.findLast((d) => d.target === target);

test("under load the operator lowers the API's CPU target on an SLO violation and the HPA adds API pods", async () => {
  const hpa = `${release}-api`;
  const target = cpuTargetOf(await readHpa(k, ns, hpa)) ?? 0;
  const before = (await componentPods(r, 'api')).filter(isReady).length;
  // An SLO of 1 ms: every uncached page misses it, so the violation is the load itself.
  await policyPatch({
    evaluationIntervalSeconds: 1,
    api: { p95LatencyMs: 1 },
    behavior: { cpuTargetDownIntervalSeconds: 5 },
    metrics: { windowSeconds: 10 },
  });
  // A new price floor each request: a cache miss, a replica query and real CPU in the API pods.
  traffic = load(() => `${api}/api/v1/products?limit=20&sort=price_asc&minPrice=${Math.floor(Math.random() * 1e6)}`, {
    perSecond: 80,
    maxRequests: 40_000,
    maxSeconds: 420,
    maxInFlight: 32,
  });
  await eventually(
    'the CPU target lowered, and the status saying why',
    async () =>
      (cpuTargetOf(await readHpa(k, ns, hpa)) ?? target) < target && !!(await decided(`hpa/${hpa}.cpuTarget`)),
    180_000,
  ).catch(async (e) => assert.fail(`${e}\n${await operatorLogs()}`));
  assert.match((await decided(`hpa/${hpa}.cpuTarget`))?.reason ?? '', /p95 [\d.]+ ms > SLO 1 ms/);
  assert.ok(
    (await listEvents(k, ns)).some((e) => e.reason === 'CpuTargetLowered' && e.related?.name === hpa),
    'a CpuTargetLowered Event on the API HPA',
  );
  await eventually(
    `the HPA adds API pods (more than ${before} Ready)`,
    async () => (await componentPods(r, 'api')).filter(isReady).length > before,
    240_000,
  );
  const served = traffic.counts();
  traffic.stop();
  assert.ok((served.statuses[200] ?? 0) > 100, `the load was served: ${JSON.stringify(served)}`);
});

test('a queue burst raises the worker floor, worker pods start and share the mail; Events and status say why', async () => {
  const hpa = `${release}-worker-emails`;
  const floor = (await readHpa(k, ns, hpa)).spec?.minReplicas ?? 1;
  // A slow relay (200 ms a mail) keeps the burst waiting long enough for the operator to see it.
  sink.store.behaviour.delayMs = 200;
  const worker = (await componentPods(r, 'worker')).find((p) => p.metadata?.labels?.['avelon.io/queue'] === 'emails');
  // Enqueued from inside the cluster by the worker image's own BullMQ, as the API would enqueue them.
  const burst = `
    import { Queue } from 'bullmq';
    import { Redis } from 'ioredis';
    const connection = new Redis(process.env.REDIS_QUEUE_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('emails', { connection, prefix: process.env.QUEUE_PREFIX || 'avelon' });
    const jobs = Array.from({ length: 4000 }, (_, i) => ({
      name: 'otp-code',
      data: { email: 'burst-' + i + '@example.test', code: '123456', expiresInSeconds: 600 },
      opts: { jobId: 'burst-' + i, removeOnComplete: true },
    }));
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
    await queue.close();
    connection.disconnect();`;
  await kubectl(k, ['-n', ns, 'exec', worker?.metadata?.name ?? '', '--', 'node', '--input-type=module', '-e', burst]);
  await eventually(
    'the worker floor raised, and the status saying why',
    async () =>
      ((await readHpa(k, ns, hpa)).spec?.minReplicas ?? 0) > floor && !!(await decided(`hpa/${hpa}.minReplicas`)),
    120_000,
  ).catch(async (e) => assert.fail(`${e}\n${await operatorLogs()}`));
  assert.match((await decided(`hpa/${hpa}.minReplicas`))?.reason ?? '', /backlog \d+/);
  assert.ok(
    (await listEvents(k, ns)).some((e) => e.reason === 'MinReplicasRaised' && e.related?.name === hpa),
    'a MinReplicasRaised Event on the worker HPA',
  );
  const emailWorkers = async () =>
    (await componentPods(r, 'worker')).filter(
      (p) => p.metadata?.labels?.['avelon.io/queue'] === 'emails' && isReady(p),
    );
  await eventually('more emails worker pods Ready', async () => (await emailWorkers()).length > floor, 180_000);
  // The new pods take their share: burst mails arrive from more than one worker pod.
  await eventually(
    'burst mails sent by more than one worker pod',
    async () => {
      const burstMails = sink.store.envelopes().filter((e) => e.to[0]?.startsWith('burst-'));
      return new Set(burstMails.map((e) => e.client)).size > 1;
    },
    120_000,
  );
  sink.store.behaviour.delayMs = 0;
});

/** Checks out one line as a client would: the same Idempotency-Key again on a dropped connection or a 503. */
async function checkoutWithRetry(key: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await freshRequest(`${api}/api/v1/cart/items`, {
      method: 'POST',
      headers: shopper,
      body: { productId: Number(productId), quantity: 1 },
    }).catch(() => undefined);
    if (res?.status !== 200) {
      statuses.push(res?.status ?? 0);
      await new Promise((ok) => setTimeout(ok, 500));
      continue;
    }
    const placed = await freshRequest(`${api}/api/v1/orders`, {
      method: 'POST',
      headers: { ...shopper, 'idempotency-key': key },
    }).catch(() => undefined);
    statuses.push(placed?.status ?? 0);
    if (placed?.status === 201 || placed?.status === 200) return statuses;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  return statuses;
}

test('an API pod and a worker pod deleted under load: browsing barely notices, no order or mail lost or doubled', async () => {
  const ordersBefore = Number(await psql('select count(*) from orders'));
  traffic = load(() => `${api}/api/v1/products?limit=20&sort=price_asc&page=${1 + Math.floor(Math.random() * 5)}`, {
    perSecond: 40,
    maxRequests: 10_000,
    maxSeconds: 240,
    maxInFlight: 32,
  });
  const keys = Array.from({ length: 16 }, (_, i) => `pods-deleted-${Date.now()}-${i}`);
  const outcomes: number[][] = [];
  for (const [i, key] of keys.entries()) {
    if (i === 4) {
      const [victim] = (await componentPods(r, 'api')).filter(isReady);
      // A normal delete: the preStop pause, SIGTERM, in-flight requests finished.
      void kubectl(k, ['-n', ns, 'delete', 'pod', victim?.metadata?.name ?? '', '--wait=false']);
    }
    if (i === 8) {
      const [worker] = (await componentPods(r, 'worker')).filter(
        (p) => p.metadata?.labels?.['avelon.io/queue'] === 'emails' && isReady(p),
      );
      // No grace: the worker is killed mid-job, as by the OOM killer or a lost node.
      void kubectl(k, ['-n', ns, 'delete', 'pod', worker?.metadata?.name ?? '', '--grace-period=0', '--force']);
    }
    outcomes.push(await checkoutWithRetry(key));
  }
  await new Promise((ok) => setTimeout(ok, 10_000));
  const browsing = traffic.counts();
  traffic.stop();

  for (const [i, statuses] of outcomes.entries()) {
    assert.ok([200, 201].includes(statuses.at(-1) ?? 0), `checkout ${i} placed in the end: ${statuses}`);
  }
  // Exactly one order per Idempotency-Key, however often the client retried.
  const placed = Number(await psql(`select count(*) from orders`)) - ordersBefore;
  assert.equal(placed, keys.length, 'one order per checkout');
  const numbers = (await psql(`select number from orders order by id desc limit ${keys.length}`))
    .trim()
    .split('\n')
    .map(Number);
  await eventually(
    'each confirmation mailed',
    async () => {
      const subjects = (await sink.store.list()).map((m) => m.subject);
      return numbers.every((n) => subjects.includes(`Order #${n} confirmed`));
    },
    180_000,
  );
  // A mail sent twice (a worker killed after the relay accepted it, before it recorded that) carries
  // the same Message-ID, so the shopper's mail client shows one: count distinct ids per order.
  const mails = await sink.store.list();
  for (const n of numbers) {
    const ids = new Set(mails.filter((m) => m.subject === `Order #${n} confirmed`).map((m) => m.messageId));
    assert.equal(ids.size, 1, `order #${n}: one confirmation`);
  }
  const errors =
    browsing.failed + Object.entries(browsing.statuses).reduce((n, [code, c]) => n + (Number(code) >= 500 ? c : 0), 0);
  console.log(`browsing while pods were deleted: ${JSON.stringify(browsing)}`);
  assert.ok(errors / browsing.sent < 0.01, `errors ${errors} of ${browsing.sent} requests`);
});

test('helm uninstall removes the platform and keeps what docs/install.md says it keeps', async () => {
  await helm('uninstall', release, '--wait');
  // Kept on purpose: the last migration Job (a hook, to read its logs) and so its finished pod.
  const platformPods = async () =>
    (await pods()).filter((p) => p.metadata?.labels?.['job-name'] !== `${release}-migrate`);
  await eventually(
    'the platform pods gone (workers drain first)',
    async () => (await platformPods()).length === 0,
    180_000,
  ).catch(async () => assert.fail(`pods left: ${(await platformPods()).map((p) => p.metadata?.name)}`));
  assert.equal((await k.apps.listNamespacedDeployment({ namespace: ns })).items.length, 0);
  assert.equal((await k.apps.listNamespacedStatefulSet({ namespace: ns })).items.length, 0);
  assert.deepEqual(
    (await k.core.listNamespacedService({ namespace: ns })).items.map((x) => x.metadata?.name),
    [],
    'no Service left',
  );
  assert.ok(Object.keys(await secretValues(r)).length > 0, 'the Secret is kept');
  const claims = (await k.core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map(
    (c) => c.metadata?.name,
  );
  assert.ok(claims.includes(`data-${release}-postgresql-0`), `the primary's claim is kept: ${claims}`);
  assert.ok(claims.includes(`data-${release}-redis-queue-0`), `the queue's claim is kept: ${claims}`);
  const jobs = (await k.batch.listNamespacedJob({ namespace: ns })).items.map((j) => j.metadata?.name);
  assert.deepEqual(jobs, [`${release}-migrate`], 'only the last migration Job is left');
});
