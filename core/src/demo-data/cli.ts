// Loads the demo data once: `node core/src/demo-data/cli.ts [--size tiny|small|default|large] [--seed N]`.
// Sizes can also be set one by one, e.g. `--products 10000`. Used by `make up`.
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config/load-config.ts';
import { databaseConfigShape } from '../db/config.ts';
import { generateDemoData } from './generate.ts';
import { loadDemoData } from './load.ts';
import { type DemoSizes, demoSizePresets, isDemoSizeName } from './sizes.ts';

const sizeKeys = Object.keys(demoSizePresets.default) as Array<keyof DemoSizes>;
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'default' },
    seed: { type: 'string', default: '42' },
    url: { type: 'string' },
    ...Object.fromEntries(sizeKeys.map((k) => [k, { type: 'string' as const }])),
  },
});

const preset = String(values.size);
if (!isDemoSizeName(preset)) {
  console.error(`unknown --size ${preset}; use one of ${Object.keys(demoSizePresets).join(', ')}`);
  process.exit(2);
}
const sizes: DemoSizes = { ...demoSizePresets[preset] };
for (const key of sizeKeys) {
  const raw = (values as Record<string, unknown>)[key];
  if (typeof raw === 'string') sizes[key] = Number.parseInt(raw, 10);
}
const seed = Number.parseInt(String(values.seed), 10);
const url =
  values.url ??
  loadConfig({ DATABASE_MIGRATION_URL: databaseConfigShape.DATABASE_MIGRATION_URL }, process.env)
    .DATABASE_MIGRATION_URL;
if (!Number.isFinite(seed) || Object.values(sizes).some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('need an integer --seed and positive sizes');
  process.exit(2);
}

const started = performance.now();
const bar = new SingleBar({
  format: '    {bar} {percentage}% | {value}/{total} rows | {table}',
  noTTYOutput: true,
  notTTYSchedule: 3000,
  hideCursor: true,
});
const result = await loadDemoData(url, () => generateDemoData(seed, sizes), {
  start: (total) => {
    console.log(`==> demo data: loading seed ${seed}, ${preset}: ${sizes.products} products, ${sizes.reviews} reviews`);
    bar.start(total, 0, { table: '' });
  },
  advance: (rows, table) => bar.increment(rows, { table }),
  stop: () => bar.stop(),
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  result.loaded
    ? `==> demo data: loaded ${result.rows} rows in ${seconds}s`
    : `==> demo data: skipped (${result.reason})`,
);
