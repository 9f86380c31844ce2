// What the dashboard tests share: the real platform processes under traffic (API with its cache, a
// worker, the operator in standalone mode with a policy that acts at once), the dashboard itself, and
// the bounded traffic that feeds every panel.
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheConnection, defaultCacheTtlSeconds, resetCacheTtl } from '@avelon/core';
import { stringify } from 'yaml';
import { createBrand, createProduct } from '../support/api.ts';
import { type Child, type Load, load, spawnNode, startApi, startOperator } from '../support/processes.ts';
import { eventually, stack } from '../support/stack.ts';
import { queueHandles, spawnWorker, startSink, testPrefix, type WorkerProcess, workerEnv } from '../support/worker.ts';

const base = Number(process.env.AVELON_PORT_BASE ?? 25400);
// base + 60..65: clear of the stack's own ports (base + 0..16) and of the other stacks' bases (10 000 apart).
export const ports = {
  api: base + 60,
  operator: base + 61,
  dashboard: base + 62,
  prometheus: base + 63,
  // The ops servers (probes, metrics) of the API and the dashboard; the operator's is its one port.
  apiOps: base + 64,
  dashboardOps: base + 65,
};
export const adminPassword = 'test-admin-password';
export const dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;

/**
 * A policy that acts within seconds on a quiet test stack: an SLO of 1 ms (so the CPU target is cut),
 * a hit-rate target of 99 % with the database "busy" above 1 query/s (so the product TTL is doubled).
 */
function policyFile(apiMetrics: string, workerMetrics: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'avelon-dash-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'autoscaling.avelon.io/v1alpha1',
      kind: 'ScalingPolicy',
      metadata: { name: 'dashboard-test' },
      spec: {
        evaluationIntervalSeconds: 1,
        api: { hpa: 'avelon-api', p95LatencyMs: 1, cpuTarget: { min: 40, max: 80 }, minReplicas: { min: 2, max: 20 } },
        workers: [{ queue: 'emails', hpa: 'avelon-worker-emails', maxWaitSeconds: 30, replicas: { min: 1, max: 20 } }],
        cache: {
          hitRateTarget: 0.99,
          dbQueriesPerSecond: 1,
          // The API's own default: a policy default that differs makes the operator move the TTL back to it.
          classes: [
            {
              name: 'product',
              ttlSeconds: { min: 60, default: defaultCacheTtlSeconds.product, max: 4 * defaultCacheTtlSeconds.product },
            },
          ],
        },
        metrics: {
          source: 'scrape',
          queueSource: 'bullmq',
          windowSeconds: 10,
          staleAfterSeconds: 10,
          scrape: { api: { urls: [apiMetrics] }, worker: { urls: [workerMetrics] } },
        },
        behavior: { cpuTargetDownIntervalSeconds: 5, ttlIntervalSeconds: 5 },
      },
    }),
  );
  return file;
}

export interface Platform {
  api: Child;
  operator: Child;
  dashboard: Child;
  worker: WorkerProcess;
  productIds: number[];
  stopTraffic(): void;
  close(): Promise<void>;
}

/** The /metrics URLs of the platform's processes, for whatever reads them besides the dashboard. */
export interface MetricsUrls {
  api: string;
  worker: string;
  operator: string;
}

export interface PlatformOptions {
  /** The dashboard's SCRAPE_INTERVAL_MS: 1 s for a quick test, 5 s (the default) to measure it as shipped. */
  intervalMs?: number;
  /** Runs once the services are up, before the dashboard starts; returns extra dashboard env (Prometheus mode). */
  beforeDashboard?: (urls: MetricsUrls) => Promise<Record<string, string>>;
}

/** Starts everything the dashboard shows, with traffic, and the dashboard (1 s interval for a quick test). */
/** The panels the generated traffic makes non-zero (the rest are real zeros on a quiet stack). */
export const trafficPanels = [
  'requests',
  'errors',
  'latency',
  'latency-route',
  'hit-rate',
  'hit-tier',
  'ttl',
  'db-per-request',
  'reads',
  'queue-depth',
  'wait-p95',
  'jobs-rate',
  'failures',
  'cpu-target',
  'replicas',
];

/**
 * Puts the product TTL back to its default in the shared cache Redis: the platform's operator doubles
 * it, and the test files after these read the default.
 */
async function resetProductTtl() {
  const redis = cacheConnection(stack.REDIS_CACHE_URL, 1000, 'dashboard-test');
  await once(redis, 'ready');
  await resetCacheTtl(redis, 'product');
  redis.disconnect();
}

export async function startPlatform(o: PlatformOptions = {}): Promise<Platform> {
  await resetProductTtl();
  const prefix = testPrefix('dash');
  const sink = await startSink();
  const worker = await spawnWorker(
    workerEnv(prefix, sink, { WORKER_QUEUES: 'emails', WORKER_CONCURRENCY_EMAILS: '2' }),
  );
  const api = await startApi(ports.api, ports.apiOps, { CACHE_ENABLED: 'true', QUEUE_PREFIX: prefix });
  const apiMetrics = `http://127.0.0.1:${ports.apiOps}/metrics`;
  const workerMetrics = `http://127.0.0.1:${worker.port}/metrics`;
  const operator = await startOperator(
    ports.operator,
    {
      QUEUE_PREFIX: prefix,
      OPERATOR_POLICY_FILE: policyFile(apiMetrics, workerMetrics),
      OPERATOR_API_METRICS_URLS: apiMetrics,
      OPERATOR_WORKER_METRICS_URLS: workerMetrics,
    },
    ['--standalone'],
  );
  const operatorMetrics = `http://127.0.0.1:${ports.operator}/metrics`;
  const extraEnv =
    (await o.beforeDashboard?.({ api: apiMetrics, worker: workerMetrics, operator: operatorMetrics })) ?? {};
  const dashboard = spawnNode('admin-metrics/src/main.ts', [], {
    PORT: String(ports.dashboard),
    OPS_PORT: String(ports.dashboardOps),
    ADMIN_PASSWORD: adminPassword,
    SESSION_SECRET: 'a-test-session-secret-of-at-least-32-chars',
    SCRAPE_INTERVAL_MS: String(o.intervalMs ?? 1000),
    LOGIN_RATE_LIMIT_MAX: '8',
    METRICS_API_URLS: apiMetrics,
    METRICS_WORKER_URLS: workerMetrics,
    METRICS_OPERATOR_URLS: operatorMetrics,
    OPERATOR_URL: `http://127.0.0.1:${ports.operator}`,
    ...extraEnv,
  });
  await eventually(
    `dashboard ready\n${dashboard.logs()}`,
    async () => (await fetch(`http://127.0.0.1:${ports.dashboardOps}/readyz`)).ok,
    20_000,
  );

  const brand = await createBrand();
  const productIds: number[] = [];
  for (let i = 0; i < 40; i++) productIds.push((await createProduct({ brandId: brand.id })).id);

  // Bounded traffic, loopback only: a few hot products (hits), many cold ones (misses), lists, 404s.
  const apiBase = `http://127.0.0.1:${ports.api}/api/v1`;
  const loads: Load[] = [
    load(`${apiBase}/products/${productIds[0]}`, { perSecond: 8, maxRequests: 20_000, maxSeconds: 900 }),
    load(`${apiBase}/products?limit=5`, { perSecond: 3, maxRequests: 20_000, maxSeconds: 900 }),
    load(`${apiBase}/products/999999999`, { perSecond: 1, maxRequests: 2_000, maxSeconds: 900 }),
  ];
  let cold = 1;
  const coldTimer = setInterval(() => {
    cold = (cold % (productIds.length - 1)) + 1;
    void fetch(`${apiBase}/products/${productIds[cold]}`).then(
      (r) => r.arrayBuffer(),
      () => {},
    );
  }, 150);
  // Jobs: bursts the two-slot worker cannot drain at once (a backlog, a wait), and a few with a bad
  // payload, which the worker fails for good (real failures).
  const q = queueHandles(prefix);
  let burst = 0;
  const jobTimer = setInterval(() => {
    burst++;
    const orders = Array.from({ length: 150 }, (_, i) => burst * 1000 + i);
    void Promise.all(
      orders.map((orderId) =>
        q.producer.enqueue('order-confirmation', {
          orderId,
          orderNumber: orderId,
          userId: 1,
          email: `o${orderId}@example.test`,
        }),
      ),
    ).catch(() => {});
    void q.queues.emails.add('order-confirmation', { orderId: 'not a number' }, { attempts: 1 }).catch(() => {});
  }, 2500);
  const stopTraffic = () => {
    for (const l of loads) l.stop();
    clearInterval(coldTimer);
    clearInterval(jobTimer);
  };
  return {
    api,
    operator,
    dashboard,
    worker,
    productIds,
    stopTraffic,
    async close() {
      stopTraffic();
      await dashboard.stop();
      await operator.stop();
      await api.stop();
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM');
        await worker.exited;
      }
      await q.close();
      await sink.close();
      await resetProductTtl();
    },
  };
}

/** Logs in to a dashboard over HTTP; returns the session cookie (`name=value`). */
export async function login(baseUrl = dashboardUrl, user = 'admin', password = adminPassword): Promise<string> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  if (!res.ok) throw new Error(`login: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('avelon_admin='));
  if (!cookie) throw new Error('login: no session cookie');
  return cookie.split(';')[0] as string;
}

/** One server-sent `tick` as it came over the wire. */
export interface LiveEvent {
  /** Bytes of the whole event (`event: tick` + `data: ...` lines), as the server wrote them. */
  bytes: number;
  data: {
    tick: { time: number; values: Record<string, number>; sources: Array<{ role: string; state: string }> };
    decisions: unknown[];
  };
}

/**
 * Follows `/api/live` until `until` returns true (`matched`) or `signal` aborts, counting every byte of the
 * stream (ticks, the retry line and keep-alive comments) and handing each tick over with its own size.
 */
export async function followLive(
  cookie: string,
  until: (e: LiveEvent) => boolean,
  o: { baseUrl?: string; signal?: AbortSignal } = {},
): Promise<{ totalBytes: number; events: number; matched: boolean }> {
  const res = await fetch(`${o.baseUrl ?? dashboardUrl}/api/live`, { headers: { cookie }, signal: o.signal });
  if (!res.ok || !res.body) throw new Error(`/api/live: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  let totalBytes = 0;
  let events = 0;
  try {
    for await (const chunk of res.body) {
      totalBytes += chunk.byteLength;
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!block.startsWith('event: tick') || !data) continue;
        events++;
        const e = { bytes: Buffer.byteLength(`${block}\n\n`), data: JSON.parse(data.slice(6)) as LiveEvent['data'] };
        if (until(e)) return { totalBytes, events, matched: true };
      }
    }
  } catch (e) {
    if (!o.signal?.aborted) throw e;
  } finally {
    await res.body.cancel().catch(() => {});
  }
  return { totalBytes, events, matched: false };
}
