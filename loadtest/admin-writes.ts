// The admin-writes scenario with its staleness check (loadtest/src/staleness.ts), under the browse scenario's
// load so that invalidation runs while the caches are busy. Signs in through the real OTP flow (reads the
// code from the queue Redis: REDIS_QUEUE_URL, as scripts/stack/env.sh sets it) unless --token is given.
//   node loadtest/admin-writes.ts --base-url http://127.0.0.1:15410 [--read-url URL ...] --rate 2
//   --duration 30 [--browse-rate 300] [--bound-ms 1000] [--email admin@avelon.local] [--token T]
import { parseArgs } from 'node:util';
import { adminToken } from './src/admin-token.ts';
import { browseGenerator, vegetaTargets } from './src/browse-targets.ts';
import { catalogueFor } from './src/catalogue.ts';
import { adminWrites } from './src/staleness.ts';
import { attack } from './src/vegeta.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:15410' },
    'read-url': { type: 'string', multiple: true },
    rate: { type: 'string', default: '2' },
    duration: { type: 'string', default: '30' },
    'browse-rate': { type: 'string', default: '300' },
    'bound-ms': { type: 'string', default: '1000' },
    email: { type: 'string', default: 'admin@avelon.local' },
    token: { type: 'string' },
    'catalogue-file': { type: 'string' },
  },
});
const baseUrl = String(values['base-url']).replace(/\/$/, '');
const readUrls = (values['read-url'] ?? [baseUrl]).map((u) => u.replace(/\/$/, ''));
const duration = Number(values.duration);
const browseRate = Number(values['browse-rate']);

const catalogue = await catalogueFor(baseUrl, values['catalogue-file']);
const token =
  values.token ??
  (await adminToken(baseUrl, {
    email: String(values.email),
    queueRedisUrl: process.env.REDIS_QUEUE_URL ?? 'redis://127.0.0.1:15405',
    queuePrefix: process.env.QUEUE_PREFIX ?? 'avelon',
  }));
// The writes hit the products the browse load reads most (the cached ones), where a stale copy would show.
const gen = browseGenerator(catalogue, { seed: 7 });
const hot = [...new Set(Array.from({ length: 2000 }, () => Number(gen.nextOf('detail').path.split('/').at(-1))))].slice(
  0,
  50,
);
const browse =
  browseRate > 0
    ? attack({
        targets: vegetaTargets(
          readUrls[0] as string,
          Array.from({ length: Math.ceil(browseRate * duration) }, () => gen.next().path),
        ),
        rate: browseRate,
        durationSeconds: duration,
      })
    : undefined;
const writes = await adminWrites({
  writeUrl: baseUrl,
  readUrls,
  token,
  productIds: hot,
  writesPerSecond: Number(values.rate),
  durationSeconds: duration,
  boundMs: Number(values['bound-ms']),
});
const load = await browse;
console.log(
  JSON.stringify(
    {
      writes,
      browse: load && {
        rate: browseRate,
        achievedRate: load.rate,
        success: load.success,
        latencyMs: { p50: load.p50, p95: load.p95, p99: load.p99 },
        generatorCpuCores: load.generatorCpu,
      },
    },
    null,
    2,
  ),
);
