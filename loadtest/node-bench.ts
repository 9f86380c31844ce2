// The browse scenario on the real node (`make bench-node`, or `AVELON_BENCHES=...,node make bench` →
// scripts/bench/node.sh, which starts the test cluster when it is not running): the chart installed with the
// chart test's values in a namespace of its own, the demo data of the local benchmark, then the browse mix
// (loadtest/browse.ts's) entered through 127.0.0.1 at the offered rates of the local API's saturation curve,
// beside the local figures at those rates (docs/benchmarks-api.json). Writes the "## On the real node" section of
// docs/benchmarks.md and docs/benchmarks-node.json, then uninstalls the release.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeValues } from '../test/support/chart.ts';
import { between } from './src/api-metrics.ts';
import { browseGenerator, describeBrowseMix, vegetaTargets } from './src/browse-targets.ts';
import { loadCatalogue } from './src/catalogue.ts';
import { writeSection } from './src/doc-section.ts';
import { distinctPaths, replay } from './src/history-replay.ts';
import {
  type ApiShape,
  apiPods,
  apiPodsCpu,
  apiShape,
  applyCrd,
  dropNamespace,
  helm,
  loadDemoData,
  type NodeRelease,
  podCounters,
} from './src/node-release.ts';
import {
  type LocalPoint,
  localPoints,
  type NodeStep,
  nearestPoint,
  nodeRates,
  nodeRows,
  nodeTableHeader,
  podTotals,
} from './src/node-report.ts';
import type { Curve } from './src/saturation-curve.ts';
import { fmt } from './src/stats.ts';
import { attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const seconds = env('BENCH_NODE_DURATION', 30);
const nodePort = env('BENCH_NODE_PORT', 30095);
const metricsPort = 9464; // the chart's api.metricsPort default
const demoSize = process.env.BENCH_NODE_DEMO_SIZE ?? 'default';
const demoSeed = 42;
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_NODE_JSON ?? join(root, 'docs/benchmarks-node.json');
const apiJsonFile = process.env.BENCH_JSON ?? join(root, 'docs/benchmarks-api.json');
const clusterStart = process.env.BENCH_NODE_CLUSTER_START ?? 'already running';
const r: NodeRelease = {
  root,
  kubeconfig: process.env.KUBECONFIG ?? join(root, '.data/cluster/kubeconfig'),
  namespace: process.env.BENCH_NODE_NAMESPACE ?? 'bench-node',
  name: 'avelon',
};
const baseUrl = `http://127.0.0.1:${nodePort}`;
// The API's pod count: fixed by default (the chart's api.replicas, no HPA, so no ScalingPolicy for the API),
// because on one node of 2 cores more pods add only contention: with the chart's autoscaling the operator
// raised the floor to 20 pods under the browse mix, and pods starting and failing readiness on starved CPUs
// turned into errors. BENCH_NODE_API_PODS=hpa keeps the chart's autoscaling.
const apiPodsSetting = process.env.BENCH_NODE_API_PODS ?? '2';
const fixedApiPods = apiPodsSetting === 'hpa' ? undefined : Number(apiPodsSetting);
if (fixedApiPods !== undefined && !(Number.isInteger(fixedApiPods) && fixedApiPods > 0))
  throw new Error(`BENCH_NODE_API_PODS: a pod count or 'hpa': ${apiPodsSetting}`);

// The local process's figures this run is compared with.
const local = existsSync(apiJsonFile)
  ? (JSON.parse(readFileSync(apiJsonFile, 'utf8')) as {
      date: string;
      settings?: { warmupHistory?: number; warmupSeconds?: number };
      saturation?: { default?: Curve[] };
    })
  : undefined;
const points: LocalPoint[] = localPoints(local?.saturation?.default ?? []);
// The local run's steady-state warm-up, repeated here: the distinct paths of a long browse stream once each,
// then the browse mix for a while (loadtest/api-bench.ts).
const warmupHistory = env('BENCH_WARMUP_HISTORY', local?.settings?.warmupHistory ?? 1_000_000);
const warmupSeconds = env('BENCH_NODE_WARMUP', local?.settings?.warmupSeconds ?? 30);
const rates = nodeRates(process.env.BENCH_NODE_RATES, points);

// The chart test's values (test/cluster/chart.test.ts) but its SMTP sink: the node's images, the API on a
// NodePort, the CRD installed apart (one per cluster), the per-client limits out of reach (one host address
// stands for a crowd of shoppers).
const values: Record<string, string | number> = {
  'api.service.type': 'NodePort',
  'api.service.nodePort': nodePort,
  'crds.install': 'false',
  'api.env.RATE_LIMIT_GENERAL_MAX': 100_000_000,
  'api.env.RATE_LIMIT_CHECKOUT_MAX': 100_000,
  'api.env.RATE_LIMIT_WRITES_MAX': 100_000,
  ...(fixedApiPods ? { 'api.autoscaling.enabled': 'false', 'api.replicas': fixedApiPods } : {}),
};

/** Every --set of the install, the node's image tags included. */
const setPairs = nodeValues(values);
const installed = Object.fromEntries(
  setPairs.filter((_, i) => i % 2 === 1).map((pair) => [pair.split('=')[0], pair.slice(pair.indexOf('=') + 1)]),
);

const timings: Record<string, number> = {};
const timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  console.log(`==> node: ${what}`);
  try {
    return await f();
  } finally {
    timings[what] = Math.round((performance.now() - started) / 100) / 10;
    console.log(`    ${what}: ${timings[what]} s`);
  }
};

const steps: NodeStep[] = [];
let shape: ApiShape | undefined;
let catalogueSize = { products: 0, categories: 0, brands: 0 };
let failure: unknown;
let warmupReplay: { distinctPaths: number; ok: number; failed: number; seconds: number } | undefined;
try {
  await timed('clean namespace', () => dropNamespace(r));
  await applyCrd(r);
  await timed('helm install', () =>
    helm(r, 'install', r.name, `${root}charts/avelon`, '--create-namespace', '--wait', '--timeout', '10m', ...setPairs),
  );
  await timed(`demo data (${demoSize}, seed ${demoSeed})`, () => loadDemoData(r, demoSize, demoSeed));
  const catalogue = await timed('catalogue read through the NodePort', () => loadCatalogue(baseUrl));
  catalogueSize = {
    products: catalogue.products.length,
    categories: catalogue.categories.length,
    brands: catalogue.brands.length,
  };
  const paths = (seed: number, count: number) => {
    const gen = browseGenerator(catalogue, { seed });
    return Array.from({ length: count }, () => gen.next().path);
  };
  const historyGen = browseGenerator(catalogue, { seed: 999 });
  const historyPaths = distinctPaths(() => historyGen.next().path, warmupHistory);
  const history = await timed(`warm-up: ${historyPaths.length} distinct paths of ${warmupHistory} requests`, () =>
    replay(baseUrl, historyPaths, 32),
  );
  console.log(`    ${history.ok} answered, ${history.failed} failed`);
  warmupReplay = { distinctPaths: historyPaths.length, ...history };
  const warmupRate = rates[Math.floor(rates.length / 2)] ?? 200;
  await timed(`warm-up at ${warmupRate}/s for ${warmupSeconds} s`, () =>
    attack({
      targets: vegetaTargets(baseUrl, paths(1000, warmupRate * warmupSeconds)),
      rate: warmupRate,
      durationSeconds: warmupSeconds,
      workers: 1000,
    }),
  );
  shape = await apiShape(r);
  await timed(`measurements (${rates.join(', ')}/s × ${seconds} s)`, async () => {
    for (const [i, rate] of rates.entries()) {
      const podsBefore = await apiPods(r);
      const c0 = await podCounters(podsBefore, metricsPort);
      const result = await attack({
        targets: vegetaTargets(baseUrl, paths(10 + i, Math.ceil(rate * seconds))),
        rate,
        durationSeconds: seconds,
        workers: 1000,
      });
      const podsAfter = await apiPods(r);
      const totals = podTotals(c0, await podCounters(podsAfter, metricsPort));
      const m =
        totals.after.l1Lookups > 0
          ? between(totals.before, totals.after, result.requests)
          : { hitRate: null, dbQueriesPerRequest: null };
      const step: NodeStep = {
        offered: rate,
        result,
        ...m,
        podsBefore: podsBefore.length,
        podsAfter: podsAfter.length,
        podsCpuMillicores: await apiPodsCpu(r),
        hpaAfter: (await apiShape(r)).hpa,
        local: nearestPoint(points, rate),
      };
      steps.push(step);
      console.log(
        `  ${rate}/s: ${fmt(result.throughput)} req/s ok, p50 ${fmt(result.p50, 1)} p95 ${fmt(result.p95, 1)} p99 ${fmt(result.p99, 1)} ms, ` +
          `success ${fmt(result.success, 4)}, hit rate ${fmt(m.hitRate, 3)}, DB q/req ${fmt(m.dbQueriesPerRequest, 3)}, ` +
          `API pods ${step.podsBefore}→${step.podsAfter}, generator ${fmt(result.generatorCpu, 2)} cores`,
      );
    }
  });
} catch (e) {
  failure = e;
} finally {
  await timed('helm uninstall and namespace deleted', async () => {
    await helm(r, 'uninstall', r.name, '--wait').catch(() => undefined);
    await dropNamespace(r);
  }).catch((e) => console.error(`cleanup: ${e}`));
}
if (failure) throw failure;

// --- report ------------------------------------------------------------------------------------------------
const rows = nodeRows(steps);
const valueList = Object.entries(values)
  .map(([k, v]) => `\`${k}=${v}\``)
  .join(', ');
const hpa = shape?.hpa;
const apiPodsText = hpa
  ? `${hpa.minReplicas}–${hpa.maxReplicas} API pods under the HPA after the warm-up (BENCH_NODE_API_PODS=hpa: the chart's ` +
    `autoscaling; CPU target ${fmt(hpa.cpuTarget)}%, the operator moves target and floor)`
  : `${fixedApiPods ?? '–'} API pods, fixed (\`api.autoscaling.enabled=false\`: no HPA, so no ScalingPolicy for the API; on ` +
    `one node of 2 cores more pods add only contention: with the chart's autoscaling the operator raised the floor to 20 ` +
    `pods under this load and pods starved of CPU failed readiness, which showed as errors; BENCH_NODE_API_PODS=hpa ` +
    `runs it that way)`;
const localWhat = local
  ? `the *default* API of the "API" section (one \`node api/src/main.ts\` on this machine, no cluster running; ` +
    `docs/benchmarks-api.json of ${local.date.slice(0, 10)}) at ${points
      .map((p) => `${Number(p.share) * 100}%`)
      .join(', ')} of its saturation, medians over ${points[0]?.offeredPerRound.length ?? 0} rounds of 5 s; ` +
    `the node runs at those same offered rates (each round's: ${points
      .map((p) => p.offeredPerRound.map((x) => fmt(x)).join('/'))
      .join('; ')})`
  : 'none: docs/benchmarks-api.json is missing (run `AVELON_BENCHES=api make bench` first)';

const command = 'make bench-node  # or AVELON_BENCHES=...,node make bench';
const section = `## On the real node

Command: \`${command}\` (scripts/bench/node.sh → loadtest/node-bench.ts). Run on ${new Date().toISOString().slice(0, 10)},
Node ${process.version}, 2 shared cores: the test cluster (docs/cluster.md), the API pods, their data stores, the load
generator and the node's own daemons all share them; load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')}.

- **Install**: \`helm install ${r.name} charts/avelon -n ${r.namespace}\` with the chart's defaults and the chart test's values
  (test/cluster/chart.test.ts) but its SMTP sink: the node's image tags, \`global.imagePullPolicy=Never\`, ${valueList}.
  So ${apiPodsText}, each requesting ${shape?.cpuRequest ?? '–'} and limited to ${shape?.cpuLimit ?? '–'} CPU and ${shape?.memoryLimit ?? '–'}; Postgres primary and one replica, PgBouncer, both
  Redis, the workers and the operator as the chart makes them.
- **Data**: the demo data (\`${demoSize}\`, seed ${demoSeed}: the local benchmark's) loaded from this machine by
  \`core/src/demo-data/cli.ts\` into the primary pod's address (the chart's demo-data Job needs an image with the
  generator's dev packages, which the node does not have), then waited for on the replica. ${catalogueSize.products} products,
  ${catalogueSize.categories} categories, ${catalogueSize.brands} brands, read through the API as loadtest/browse.ts does.
- **Entry**: \`${baseUrl}\`, the API Service's NodePort on loopback (kube-proxy's \`localhostNodePorts\`): every
  request takes the Service's path, kube-proxy's iptables rules spreading connections over the API pods, as
  outside traffic does. A \`kubectl port-forward\` would tunnel every request through the apiserver and the kubelet
  to one pod: it would measure the tunnel, not the platform.
- **Load**: the browse mix (${describeBrowseMix()}) with vegeta, open model. Warm-up as the
  local run's (steady state): each of the ${warmupReplay?.distinctPaths ?? '–'} distinct paths of a ${warmupHistory}-request browse stream once
  (${fmt(warmupReplay?.seconds)} s, ${warmupReplay?.failed ?? '–'} failed), then the browse mix at the middle rate for ${warmupSeconds} s; every stream shares one
  popularity order. Then ${seconds} s at each offered rate (the local points are 5 s each). Hit rate and DB queries/request from each API pod's own /metrics (pod address, port
  ${metricsPort}), before and after each step, summed over pods (a pod the HPA adds counts from zero). API pods: Ready
  before→after the step; their CPU is metrics-server's last reading at the end of the step (cores, summed).
- **Local process** (the \`local\` columns; p99 ÷ local is the node's p99 over the local one): ${localWhat}.
- **Times**: cluster start ${clusterStart}; ${Object.entries(timings)
  .map(([what, s]) => `${what} ${s} s`)
  .join('; ')}.

${nodeTableHeader}
${rows.join('\n')}
`;
console.log(`\n${section}`);
writeSection(docFile, 'On the real node', section);
writeFileSync(
  jsonFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      command,
      settings: {
        seconds,
        warmupSeconds,
        rates,
        nodePort,
        namespace: r.namespace,
        demoSize,
        demoSeed,
        apiPods: apiPodsSetting,
      },
      values: installed,
      api: shape,
      catalogue: catalogueSize,
      timings: { clusterStart, ...timings },
      localProcess: local ? { file: 'docs/benchmarks-api.json', date: local.date, points } : null,
      steps,
    },
    null,
    2,
  )}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
