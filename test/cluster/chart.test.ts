// Proves the Helm chart on the real node, as a platform engineer would use it: `helm install` with the
// defaults (only the images' tags and the API's NodePort set) brings every pod to Ready, applies the
// migrations and passes `helm test`; the API answers from the host; reads survive the replica pod being
// killed and the replica rejoins; killing the operator's leader hands the Lease to the other pod;
// `helm upgrade` rolls the pods and keeps every secret and the data; `helm uninstall` keeps exactly
// what docs/install.md says it keeps.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { connectCluster, imageRef, installCrd, type TestKube } from '../support/kube.ts';
import { kubectl } from '../support/platform.ts';
import { eventually, repoRoot } from '../support/stack.ts';

const run = promisify(execFile);
const ns = 'chart-e2e';
const release = 'avelon';
const nodePort = 30090;
const api = `http://127.0.0.1:${nodePort}`;
let k: TestKube;

const helm = async (...args: string[]) =>
  (
    await run(`${repoRoot}.tools/bin/helm`, ['--kubeconfig', k.kubeconfig, '-n', ns, ...args], {
      maxBuffer: 16 << 20,
      timeout: 900_000,
    })
  ).stdout;

const tag = (image: string) => imageRef(image).split(':').at(-1) ?? '';
// [values key, image]: every image of the chart, as `make images` tagged it.
const images: Array<[string, string]> = [
  ['api', 'api'],
  ['workers', 'worker'],
  ['operator', 'operator'],
  ['adminMetrics', 'admin-metrics'],
  ['postgresql', 'postgres'],
  ['pgbouncer', 'pgbouncer'],
  ['redisCache', 'redis'],
  ['redisQueue', 'redis'],
];
const nodeValues = () => [
  '--set',
  'global.imagePullPolicy=Never',
  ...images.flatMap(([key, image]) => ['--set', `${key}.image.tag=${tag(image)}`]),
  '--set',
  'api.service.type=NodePort',
  '--set',
  `api.service.nodePort=${nodePort}`,
  // The CRD is one per cluster and the other node tests installed it already (docs/install.md).
  '--set',
  'crds.install=false',
];

const pods = async () => (await k.core.listNamespacedPod({ namespace: ns })).items;
const ready = (p: Awaited<ReturnType<typeof pods>>[number]) =>
  !p.metadata?.deletionTimestamp && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const psql = (sql: string) =>
  kubectl(k, [
    '-n',
    ns,
    'exec',
    `${release}-postgresql-0`,
    '--',
    'psql',
    '-U',
    'postgres',
    '-d',
    'avelon',
    '-Atc',
    sql,
  ]);
const secretData = async () => (await k.core.readNamespacedSecret({ name: release, namespace: ns })).data ?? {};

before(async () => {
  k = await connectCluster();
  await installCrd(k);
  // A namespace left by an interrupted run would make `helm install` refuse.
  await kubectl(k, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=300s']);
  await run('bash', [`${repoRoot}scripts/cluster/reclaim-volumes.sh`], { env: process.env });
});

after(async () => {
  await helm('uninstall', release, '--wait').catch(() => undefined);
  await kubectl(k, ['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=300s']);
  await run('bash', [`${repoRoot}scripts/cluster/reclaim-volumes.sh`], { env: process.env });
});

let productId = '';

test('helm install with the defaults: every pod Ready, migrations applied, helm test passes', async () => {
  await helm(
    'install',
    release,
    `${repoRoot}charts/avelon`,
    '--create-namespace',
    '--wait',
    '--timeout',
    '10m',
    ...nodeValues(),
  );
  const all = await pods();
  const running = all.filter((p) => p.status?.phase !== 'Succeeded');
  assert.ok(running.length >= 10, `the platform's pods: ${running.map((p) => p.metadata?.name)}`);
  for (const p of running) assert.ok(ready(p), `${p.metadata?.name} is Ready (${p.status?.phase})`);
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
        `insert into products (slug, title, brand_id, price_cents, stock) values ('e2e-kettle', 'E2E kettle', ${brand}, 1999, 5) returning id`,
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

test('the dashboard finds the API, worker and operator pods through their EndpointSlices', async () => {
  const password = Buffer.from((await secretData())['admin-password'] ?? '', 'base64').toString();
  const pod = (await pods()).find((p) => p.metadata?.name?.startsWith(`${release}-admin-metrics-`) && ready(p));
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

test('reads survive the replica pod being killed, and the replica rejoins', async () => {
  const replica = `${release}-postgresql-replica-0`;
  const killed = (await k.core.readNamespacedPod({ name: replica, namespace: ns })).metadata?.uid;
  await kubectl(k, ['-n', ns, 'delete', 'pod', replica, '--grace-period=0', '--force']);
  // Uncached reads (a new page each time) while the replica is gone: answered from the primary.
  for (let page = 1; page <= 20; page++) {
    const res = await fetch(`${api}/api/v1/products?limit=1&page=${page}&sort=price_asc`);
    assert.equal(res.status, 200, `page ${page} while the replica is down: ${await res.text()}`);
  }
  await eventually(
    'a new replica pod Ready',
    async () => {
      const pod = await k.core.readNamespacedPod({ name: replica, namespace: ns });
      return pod.metadata?.uid !== killed && ready(pod);
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
  const operators = (await pods()).filter((p) => p.metadata?.name?.startsWith(`${release}-operator-`));
  assert.equal(operators.length, 2, 'two operator pods');
  const other = operators.map((p) => p.metadata?.name).find((n) => n !== leader);
  await kubectl(k, ['-n', ns, 'delete', 'pod', leader, '--grace-period=0', '--force']);
  await eventually(`the Lease taken over by ${other}`, async () => (await holder()) === other, 90_000);
});

test('helm upgrade with changed values rolls the pods and keeps every secret and the data', async () => {
  const secretsBefore = await secretData();
  const apiPodsBefore = (await pods())
    .filter((p) => p.metadata?.name?.startsWith(`${release}-api-`))
    .map((p) => p.metadata?.name);
  await helm(
    'upgrade',
    release,
    `${repoRoot}charts/avelon`,
    '--wait',
    '--timeout',
    '10m',
    ...nodeValues(),
    '--set',
    'api.env.ACCESS_TOKEN_TTL_SECONDS=600',
    '--set',
    'scalingPolicy.cache.classes[0].name=product',
    '--set',
    'scalingPolicy.cache.classes[0].ttlSeconds.min=60',
    '--set',
    'scalingPolicy.cache.classes[0].ttlSeconds.default=1200',
    '--set',
    'scalingPolicy.cache.classes[0].ttlSeconds.max=3600',
  );
  assert.deepEqual(await secretData(), secretsBefore, 'every generated password and key kept');
  const apiPodsAfter = (await pods()).filter((p) => p.metadata?.name?.startsWith(`${release}-api-`) && ready(p));
  assert.ok(apiPodsAfter.length >= 2);
  for (const p of apiPodsAfter) assert.ok(!apiPodsBefore.includes(p.metadata?.name), `${p.metadata?.name} is new`);
  const env = apiPodsAfter[0]?.spec?.containers[0]?.env ?? [];
  assert.equal(env.find((e) => e.name === 'ACCESS_TOKEN_TTL_SECONDS')?.value, '600');
  // A client of a rolling Service retries a connection that landed on a pod going away.
  await eventually(
    'the data survived the upgrade',
    async () => (await fetch(`${api}/api/v1/products/${productId}`)).status === 200,
    30_000,
  );
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
  assert.ok(Object.keys(await secretData()).length > 0, 'the Secret is kept');
  const claims = (await k.core.listNamespacedPersistentVolumeClaim({ namespace: ns })).items.map(
    (c) => c.metadata?.name,
  );
  assert.ok(claims.includes(`data-${release}-postgresql-0`), `the primary's claim is kept: ${claims}`);
  assert.ok(claims.includes(`data-${release}-redis-queue-0`), `the queue's claim is kept: ${claims}`);
  const jobs = (await k.batch.listNamespacedJob({ namespace: ns })).items.map((j) => j.metadata?.name);
  assert.deepEqual(jobs, [`${release}-migrate`], 'only the last migration Job is left');
});
