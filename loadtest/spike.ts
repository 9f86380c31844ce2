// The spike scenario against any Avelon API (loadtest/src/spike-run.ts): the browse mix at --rate, then
// --factor × --rate for --spike-seconds (a minute by default), then --rate again. Prints per phase the
// sent rate, p50/p95/p99 (ms), failures by status and the generator's CPU, and the recovery time.
// --scale shortens every phase by the same factor (make bench uses it to stay within its budget).
//   node loadtest/spike.ts --base-url http://127.0.0.1:15410 --rate 100 [--factor 10] [--before-seconds 30]
//   [--spike-seconds 60] [--after-seconds 60] [--scale 1] [--seed 1] [--catalogue-file F]
import { parseArgs } from 'node:util';
import { catalogueFor } from './src/catalogue.ts';
import { runSpike } from './src/spike-run.ts';

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string', default: 'http://127.0.0.1:15410' },
    rate: { type: 'string', default: '100' },
    factor: { type: 'string', default: '10' },
    'before-seconds': { type: 'string', default: '30' },
    'spike-seconds': { type: 'string', default: '60' },
    'after-seconds': { type: 'string', default: '60' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'catalogue-file': { type: 'string' },
  },
});
const baseUrl = String(values['base-url']).replace(/\/$/, '');
const scale = Number(values.scale);
const seconds = (name: 'before-seconds' | 'spike-seconds' | 'after-seconds') =>
  Math.max(1, Math.round(Number(values[name]) * scale));
const options = {
  baseUrl,
  rate: Number(values.rate),
  factor: Number(values.factor),
  beforeSeconds: seconds('before-seconds'),
  spikeSeconds: seconds('spike-seconds'),
  afterSeconds: seconds('after-seconds'),
  seed: Number(values.seed),
};
if (!(options.rate > 0) || !(options.factor >= 1) || !(scale > 0))
  throw new Error('--rate and --scale must be positive, --factor at least 1');
const catalogue = await catalogueFor(baseUrl, values['catalogue-file']);
const r = await runSpike({ ...options, catalogue });
console.log(JSON.stringify({ scenario: 'spike', ...options, ...r }, null, 2));
