// The spike and shop scenarios in `make bench` (scripts/bench/scenarios.sh), against the API as installed by
// default (rate limits set out of reach, as in the API benchmark), on the bench's stack:
//   spike: the browse mix at R, 10 × R, R again (loadtest/spike.ts's phases shortened by BENCH_SPIKE_SCALE);
//   shop:  shoppers through the real OTP sign-in, cart and checkout at BENCH_SHOP_RATE sessions a second.
// R defaults to a fifth of the default API's browse saturation from this run's docs/benchmarks-api.json (the
// spike then offers twice the saturation rate). Writes the "## Scenarios" section of docs/benchmarks.md and
// docs/benchmarks-scenarios.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchApiEnv } from './src/bench-api.ts';
import { browseGenerator, vegetaTargets } from './src/browse-targets.ts';
import { catalogueFor } from './src/catalogue.ts';
import { writeSection } from './src/doc-section.ts';
import { OtpMailbox } from './src/otp-mailbox.ts';
import { startServer } from './src/processes.ts';
import { runShop, shopSteps } from './src/shop-run.ts';
import { runSpike } from './src/spike-run.ts';
import { fmt, median } from './src/stats.ts';
import { attack } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');
const jsonFile = process.env.BENCH_SCENARIOS_JSON ?? join(root, 'docs/benchmarks-scenarios.json');
const apiJson = join(root, 'docs/benchmarks-api.json');
const catalogueFile = join(process.env.AVELON_DATA_DIR ?? tmpdir(), 'bench-catalogue.json');

/** A fifth of the default API's median browse saturation in the last API benchmark, if it measured one. */
function spikeBase(): { rate: number; from: string } {
  if (process.env.BENCH_SPIKE_RATE) return { rate: Number(process.env.BENCH_SPIKE_RATE), from: 'BENCH_SPIKE_RATE' };
  const sat = existsSync(apiJson)
    ? ((
        JSON.parse(readFileSync(apiJson, 'utf8')) as {
          saturation?: { default?: Array<{ saturation: { rate: number } }> };
        }
      ).saturation?.default ?? [])
    : [];
  const rate = median(sat.map((c) => c.saturation.rate).filter((r) => r > 0));
  return Number.isFinite(rate)
    ? {
        rate: Math.max(5, Math.round(rate / 5)),
        from: `⅕ of the default API's browse saturation (${fmt(rate)}/s, API section)`,
      }
    : { rate: 50, from: 'a fixed 50/s (no saturation figure in docs/benchmarks-api.json)' };
}

const scale = env('BENCH_SPIKE_SCALE', 0.25);
const factor = env('BENCH_SPIKE_FACTOR', 10);
const base = spikeBase();
const phaseSeconds = (s: number) => Math.max(1, Math.round(s * scale));
const spikeSettings = {
  rate: base.rate,
  factor,
  beforeSeconds: phaseSeconds(30),
  spikeSeconds: phaseSeconds(60),
  afterSeconds: phaseSeconds(60),
  seed: 5,
};
const shopSettings = {
  rate: env('BENCH_SHOP_RATE', 10),
  durationSeconds: env('BENCH_SHOP_DURATION', 30),
  cartAdds: 3,
  seed: 6,
};
const warmupSeconds = env('BENCH_SCENARIO_WARMUP', 20);

const api = await startServer(
  'api (default)',
  'api/src/main.ts',
  { ...benchApiEnv, INSTANCE_ID: 'bench-scenarios' },
  root,
  { ops: true },
);
const catalogue = await catalogueFor(api.url, catalogueFile);
const mailbox = await OtpMailbox.open(String(process.env.REDIS_QUEUE_URL), process.env.QUEUE_PREFIX ?? 'avelon');
let spike: Awaited<ReturnType<typeof runSpike>>;
let shop: Awaited<ReturnType<typeof runShop>>;
try {
  console.log(`==> warm-up: browse mix at ${base.rate}/s for ${warmupSeconds} s`);
  const warm = browseGenerator(catalogue, { seed: 4 });
  await attack({
    targets: vegetaTargets(
      api.url,
      Array.from({ length: base.rate * warmupSeconds }, () => warm.next().path),
    ),
    rate: base.rate,
    durationSeconds: warmupSeconds,
    workers: 500,
  });
  console.log(`==> spike: ${base.rate}/s, ${factor}× for ${spikeSettings.spikeSeconds} s, back`);
  spike = await runSpike({ baseUrl: api.url, catalogue, ...spikeSettings });
  console.log(`==> shop: ${shopSettings.rate} sessions/s for ${shopSettings.durationSeconds} s`);
  shop = await runShop({ baseUrl: api.url, catalogue, mailbox, ...shopSettings });
} finally {
  await mailbox.close();
  await api.stop();
}

const codes = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ') || '–';
const phaseLengths = [spikeSettings.beforeSeconds, spikeSettings.spikeSeconds, spikeSettings.afterSeconds];
const spikeRows = spike.phases.map(
  (p, i) =>
    `| ${p.name} | ${phaseLengths[i]} | ${fmt(p.sentPerSecond)} | ${fmt(p.p50, 1)} | ${fmt(p.p95, 1)} | ${fmt(p.p99, 1)} | ` +
    `${p.errors} (${codes(p.errorsByCode)}) | ${fmt(p.generatorCpu, 2)} |`,
);
const shopRows = shopSteps.map((s) => {
  const f = shop.steps[s];
  return `| ${s} | ${f.count} | ${fmt(f.p50, 1)} | ${fmt(f.p95, 1)} | ${fmt(f.p99, 1)} | ${codes(f.errors)} |`;
});

const section = `## Scenarios

Command: \`make bench  # AVELON_BENCHES=scenarios for this section only\` (scripts/bench/scenarios.sh →
loadtest/scenarios-bench.ts; the same scenarios on any API: \`loadtest/spike.ts\`, \`loadtest/shop.ts\`). One run each,
on ${new Date().toISOString().slice(0, 10)}, 2 shared cores, load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(', ')}; the API as installed by default (rate limits out of
reach), after ${warmupSeconds} s of the browse mix at the spike's base rate.

**Spike** (open model, vegeta, one attack per phase started on schedule): the browse mix at ${base.rate}/s
(${base.from}), then ${factor}× that for ${spikeSettings.spikeSeconds} s, then ${base.rate}/s again; the scenario's minute of spike is shortened
by BENCH_SPIKE_SCALE=${scale} for the bench's budget (\`node loadtest/spike.ts\` runs 30 s / 60 s / 60 s). Each request counts
in the phase it was sent in; recovery is the time from the end of the spike until every later 2 s window has a p99
within 2× (or +20 ms) of the first phase's and under 1% errors: **${spike.recoverySeconds === null ? `not within the ${spikeSettings.afterSeconds} s measured` : `${fmt(spike.recoverySeconds)} s`}**.

| phase | seconds | sent/s | p50 ms | p95 ms | p99 ms | errors (by status; 0 = no answer in 10 s) | generator CPU (cores) |
|---|---|---|---|---|---|---|---|
${spikeRows.join('\n')}

**Shop** (open model, ${shopSettings.rate} new shoppers a second for ${shopSettings.durationSeconds} s, driven from Node: each session's steps depend on
the last answer): POST /auth/otp, the code read from the \`otp-code\` job in the queue (step "code": the wait
for it), POST /auth/verify (signs a new address up), ${shopSettings.cartAdds} × POST /cart/items of products drawn with the browse
mix's popularity (a product not for sale answers 422 and is skipped), POST /orders with an Idempotency-Key.
${shop.sessions.started} sessions started (${fmt(shop.sessions.rate, 1)}/s, the latest ${fmt(shop.sessions.maxLagMs, 0)} ms behind schedule, at most
${shop.sessions.maxInFlight} in flight), **${shop.completed} checked out**; the generator (this Node process) used
${fmt(shop.sessions.generatorCpu, 2)} cores.

| step | requests | p50 ms | p95 ms | p99 ms | failures (status API code) |
|---|---|---|---|---|---|
${shopRows.join('\n')}
`;
console.log(`\n${section}`);
writeSection(docFile, 'Scenarios', section);
writeFileSync(
  jsonFile,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, spike: { settings: spikeSettings, base, ...spike }, shop: { settings: shopSettings, ...shop } }, null, 2)}\n`,
);
console.log(`written to ${docFile} and ${jsonFile}`);
