// `make chaos` (through scripts/chaos/run.sh, which starts the chaos stack and exports its variables):
// runs the fault experiments of loadtest/chaos/experiments/ one after the other under an open-model load
// and writes their figures to docs/reliability.md and docs/reliability.json.
//   node loadtest/chaos.ts [--only redis-cache-kill,primary-restart] [--fault-ms 5000] [--browse-rate 40]
//     [--checkout-rate 5] [--json docs/reliability.json] [--doc docs/reliability.md] [--no-doc] [--report-only]
// With --only, the other experiments' latest results are kept from the JSON file. --report-only runs
// nothing and rewrites the page from the JSON (after editing chaos/causes.ts or report.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectExperiments } from './chaos/experiments/index.ts';
import { reliabilityDoc, shortfalls } from './chaos/report.ts';
import { type ExperimentResult, runExperiment } from './chaos/run-experiment.ts';
import { stackEnv } from './chaos/stack-env.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    'fault-ms': { type: 'string' },
    'browse-rate': { type: 'string' },
    'checkout-rate': { type: 'string' },
    json: { type: 'string' },
    doc: { type: 'string' },
    'no-doc': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const jsonPath = values.json ?? join(root, 'docs/reliability.json');
const docPath = values.doc ?? join(root, 'docs/reliability.md');
const chosen = values['report-only']
  ? []
  : selectExperiments(values.only ? values.only.split(',').map((s) => s.trim()) : []);
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const options = Object.fromEntries(
  Object.entries({
    faultMs: num(values['fault-ms']),
    browseRate: num(values['browse-rate']),
    checkoutRate: num(values['checkout-rate']),
  }).filter(([, v]) => v !== undefined),
);

const log = (line: string) => console.log(`==> chaos: ${line}`);
const results: ExperimentResult[] = [];
let failed = 0;
for (const experiment of chosen) {
  try {
    const result = await runExperiment(experiment, stackEnv(), options, log);
    results.push(result);
    const l = result.load;
    const a = result.accounting;
    log(
      `${result.name}: ${l.requests} requests, errors ${(l.errorRate * 100).toFixed(2)}% ` +
        `(outside own writes ${(l.errorRateOutside * 100).toFixed(2)}%), max ${Math.round(l.latencyMs.max)} ms, ` +
        `past timeout ${l.pastTimeout}, recovery ${(l.recoveryMs / 1000).toFixed(1)} s; orders lost ${a.orders.lost}, ` +
        `mails missing ${a.mails.missing} / twice ${a.mails.duplicated}`,
    );
    for (const s of shortfalls(result)) log(`${result.name}: shortfall: ${s}`);
  } catch (error) {
    failed++;
    console.error(`==> chaos: ${experiment.name} could not run: ${(error as Error).stack ?? String(error)}`);
  }
}

if (!values['no-doc']) {
  // Keep the latest result of every experiment not run this time.
  const previous: ExperimentResult[] = existsSync(jsonPath)
    ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { experiments: ExperimentResult[] }).experiments
    : [];
  const byName = new Map(previous.map((r) => [r.name, r]));
  for (const r of results) byName.set(r.name, r);
  const order = selectExperiments([]).map((e) => e.name);
  const all = order.flatMap((n) => byName.get(n) ?? []);
  writeFileSync(jsonPath, `${JSON.stringify({ experiments: all }, null, 2)}\n`);
  writeFileSync(docPath, reliabilityDoc(all));
  log(`wrote ${docPath} and ${jsonPath}`);
}
process.exit(failed > 0 ? 1 : 0);
