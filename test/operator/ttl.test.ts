// Proves: a TTL the operator decides reaches a running API (api/src/main.ts, the real one) through
// the contract of core/src/cache/ttl-contract.ts (hash + change message) — from a cluster
// operator and from standalone mode (`make up`), which also reports the HPA changes it would make.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cacheTtlChannel, cacheTtlHashKey, defaultCacheTtlSeconds, parseCacheTtls } from '@avelon/core';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import {
  connectCluster,
  createPolicy,
  dropNamespace,
  freshNamespace,
  installCrd,
  type TestKube,
  testPort,
} from '../support/kube.ts';
import { type Child, gauge, load, spawnNode, startLatencyApp, startOperator } from '../support/processes.ts';
import { eventually, stack } from '../support/stack.ts';

const appPort = testPort(7);
const apiPort = testPort(8);
// The API's ops server (/readyz, /metrics): clear of the other files' test ports (offsets 0..9).
const apiOpsPort = testPort(28);
const operatorPort = testPort(9);
let k: TestKube;
let ttlNamespace: string | undefined;
let app: Child | undefined;
let api: Child | undefined;
let traffic: { stop: () => void } | undefined;
let redis: Redis;
let sub: Redis;
const messages: Array<{ at: number; message: string }> = [];

// The API's own default (the policy's default must agree with it, or the operator moves the TTL back to it).
const productDefault = defaultCacheTtlSeconds.product;
// Low hit rate (half the lookups miss) and every miss a database query over a threshold of 1/s: the
// database counts as under pressure, so the product TTL doubles from its default.
const cache = {
  hitRateTarget: 0.9,
  dbQueriesPerSecond: 1,
  classes: [{ name: 'product', ttlSeconds: { min: 60, default: productDefault, max: 4 * productDefault } }],
};
const metrics = (url: string) => ({ scrape: { api: { urls: [url] } }, windowSeconds: 5 });
const behavior = { ttlIntervalSeconds: 60 };

before(async () => {
  redis = new Redis(stack.REDIS_CACHE_URL);
  sub = new Redis(stack.REDIS_CACHE_URL);
  await sub.subscribe(cacheTtlChannel);
  sub.on('message', (_channel, message) => messages.push({ at: Date.now(), message }));
  await redis.hdel(cacheTtlHashKey, 'product');
  app = await startLatencyApp(appPort, 1);
  await fetch(`http://127.0.0.1:${appPort}/delay?ms=1&miss=0.5`, { method: 'POST' });
  traffic = load(`http://127.0.0.1:${appPort}/work`, { perSecond: 30, maxRequests: 5400, maxSeconds: 180 });
  api = spawnNode('api/src/main.ts', [], { PORT: String(apiPort), OPS_PORT: String(apiOpsPort), LOG_LEVEL: 'warn' });
  await eventually(
    `API ready\n${api.logs()}`,
    async () => (await fetch(`http://127.0.0.1:${apiOpsPort}/readyz`)).ok,
    60_000,
  );
  k = await connectCluster();
  await installCrd(k);
});

after(async () => {
  traffic?.stop();
  await app?.stop();
  await api?.stop();
  await redis?.hdel(cacheTtlHashKey, 'product');
  redis?.disconnect();
  sub?.disconnect();
  await dropNamespace(k, ttlNamespace);
});

const apiTtl = () => gauge(`http://127.0.0.1:${apiOpsPort}/metrics`, 'avelon_cache_ttl_seconds{class="product"}');

/** Waits for the operator's change message, then for the API to apply it; returns the time between (printed, not asserted). */
async function ttlReachesApi(operator: Child): Promise<number> {
  const from = messages.length;
  await eventually(`a TTL change message\n${operator.logs().slice(-2000)}`, async () => messages.length > from, 20_000);
  const msg = messages[from] as { at: number; message: string };
  assert.equal(msg.message, 'product');
  // The contract's format: the hash holds the class's seconds, as the API parses it.
  const ttl = parseCacheTtls(await redis.hgetall(cacheTtlHashKey)).product;
  assert.equal(ttl, 2 * productDefault, 'doubled from the default');
  await eventually('the API applies the TTL', async () => (await apiTtl()) === ttl, 30_000);
  return Date.now() - msg.at;
}

test('cluster mode: the TTL reaches the running API', async () => {
  assert.equal(await apiTtl(), productDefault, 'the API starts at the default');
  const ns = await freshNamespace(k, 'op-ttl');
  ttlNamespace = ns;
  await createPolicy(k, ns, 'avelon', { cache, metrics: metrics(`http://127.0.0.1:${appPort}/metrics`), behavior });
  const operator = await startOperator(operatorPort, {
    KUBECONFIG: k.kubeconfig,
    OPERATOR_NAMESPACE: ns,
    REDIS_QUEUE_URL: stack.REDIS_QUEUE_URL,
    REDIS_CACHE_URL: stack.REDIS_CACHE_URL,
  });
  try {
    console.log(`API applied the TTL ${await ttlReachesApi(operator)} ms after the change message`);
  } finally {
    await operator.stop();
  }
});

test('standalone mode: the TTL reaches the running API; HPA changes are reported', async () => {
  await redis.hdel(cacheTtlHashKey, 'product');
  await redis.publish(cacheTtlChannel, 'product');
  await eventually('API back at the default', async () => (await apiTtl()) === productDefault, 2000);
  // Slow requests too, so the would-be API HPA target moves (and is only reported).
  await fetch(`http://127.0.0.1:${appPort}/delay?ms=80&miss=0.5`, { method: 'POST' });
  const file = join(mkdtempSync(join(tmpdir(), 'avelon-op-')), 'policy.yaml');
  const api = {
    hpa: 'avelon-api',
    p95LatencyMs: 50,
    cpuTarget: { min: 40, max: 80 },
    minReplicas: { min: 2, max: 20 },
  };
  writeFileSync(
    file,
    stringify({
      apiVersion: 'autoscaling.avelon.io/v1alpha1',
      kind: 'ScalingPolicy',
      metadata: { name: 'local' },
      spec: { api, cache, metrics: metrics('http://127.0.0.1:1/unused'), behavior },
    }),
  );
  const operator = await startOperator(
    operatorPort,
    {
      OPERATOR_POLICY_FILE: file,
      OPERATOR_API_METRICS_URLS: `http://127.0.0.1:${appPort}/metrics`,
      REDIS_QUEUE_URL: stack.REDIS_QUEUE_URL,
      REDIS_CACHE_URL: stack.REDIS_CACHE_URL,
    },
    ['--standalone'],
  );
  try {
    console.log(`API applied the TTL ${await ttlReachesApi(operator)} ms after the change message (standalone)`);
    await eventually(
      'the would-be CPU target is reported',
      async () => {
        const s = (await (await fetch(`http://127.0.0.1:${operatorPort}/status`)).json()) as {
          hpasWouldBe: Record<string, { cpuTarget?: number }>;
          events: Array<{ reason: string }>;
        };
        return (
          (s.hpasWouldBe['avelon-api']?.cpuTarget ?? 80) < 80 && s.events.some((e) => e.reason === 'CpuTargetLowered')
        );
      },
      10_000,
    );
    assert.match(operator.logs(), /would set hpa\/avelon-api\.cpuTarget 80 -> \d+/);
  } finally {
    await operator.stop();
  }
});
