// The browse scenario against any Avelon API: anonymous shoppers at a constant arrival rate (open model),
// drawn from the real catalogue (loadtest/src/browse-targets.ts says the mix). Prints vegeta's figures, the
// generator's CPU and, when the API's /metrics answers (on its ops port), the cache hit rate and DB
// queries per request.
//   node loadtest/browse.ts --base-url http://127.0.0.1:15410 --rate 500 --duration 30
//   [--ops-url http://127.0.0.1:15415] [--seed 1] [--workers 500] [--catalogue-file .data/catalogue.json]
//   [--kind detail]
import { parseArgs } from 'node:util';
import { between, counters } from './src/api-metrics.ts';
import { type BrowseKind, browseGenerator, describeBrowseMix, vegetaTargets } from './src/browse-targets.ts';
import { catalogueFor } from './src/catalogue.ts';
import { attack } from './src/vegeta.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:15410' },
    'ops-url': { type: 'string', default: 'http://127.0.0.1:15415' },
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '500' },
    'catalogue-file': { type: 'string' },
    kind: { type: 'string' },
  },
});
const baseUrl = String(values['base-url']).replace(/\/$/, '');
const opsUrl = String(values['ops-url']).replace(/\/$/, '');
const rate = Number(values.rate);
const duration = Number(values.duration);
const seed = Number(values.seed);
if (!(rate > 0) || !(duration > 0)) throw new Error('--rate and --duration must be positive numbers');

const catalogue = await catalogueFor(baseUrl, values['catalogue-file']);
const gen = browseGenerator(catalogue, { seed });
const kind = values.kind as BrowseKind | undefined;
const paths = Array.from({ length: Math.ceil(rate * duration) }, () => (kind ? gen.nextOf(kind) : gen.next()).path);
console.log(`browse: ${describeBrowseMix({ seed })}`);
console.log(`browse: ${catalogue.products.length} products; ${paths.length} requests at ${rate}/s for ${duration} s`);

const before = await counters(opsUrl).catch(() => undefined);
const r = await attack({
  targets: vegetaTargets(baseUrl, paths),
  rate,
  durationSeconds: duration,
  workers: Number(values.workers),
});
const after = before && (await counters(opsUrl).catch(() => undefined));
const cache = before && after ? between(before, after, r.requests) : undefined;
console.log(
  JSON.stringify(
    {
      scenario: kind ?? 'browse',
      rate,
      duration,
      achievedRate: r.rate,
      throughput: r.throughput,
      success: r.success,
      latencyMs: { p50: r.p50, p90: r.p90, p95: r.p95, p99: r.p99, max: r.max },
      statusCodes: r.statusCodes,
      errors: r.errors.slice(0, 5),
      generatorCpuCores: r.generatorCpu,
      ...cache,
    },
    null,
    2,
  ),
);
