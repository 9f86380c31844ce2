// The load generator's own ceiling (`make bench` → scripts/bench/generator.sh): vegeta against wrk on the
// same bare Fastify route, closed loop with the same connections, rounds interleaved, and each tool's CPU.
// If vegeta reached far less than wrk, the API figures would be the generator's, not the API's.
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vegetaTargets } from './src/browse-targets.ts';
import { writeSection } from './src/doc-section.ts';
import { startServer } from './src/processes.ts';
import { fmt, median, span } from './src/stats.ts';
import { attack, timed } from './src/vegeta.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const seconds = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_WORKERS ?? 50);
const docFile = process.env.BENCH_DOC ?? join(root, 'docs/benchmarks.md');

// A product-sized body (~1.5 KB), like the API's detail answer.
const samplesFile = join(tmpdir(), `avelon-generator-samples-${process.pid}.json`);
const detail = { id: 1, title: 'Sleek Wooden Chair', description: 'x'.repeat(1200), images: ['https://x/1.jpg'] };
writeFileSync(samplesFile, JSON.stringify({ detail, list: { data: [detail] } }));
const bare = await startServer('bare fastify', 'loadtest/bare-fastify.ts', { SAMPLES_FILE: samplesFile }, root);
const url = `${bare.url}/api/v1/products/1`;

const wrk: Array<{ rps: number; cpu: number }> = [];
const vegeta: Array<{ rps: number; cpu: number }> = [];
const open: Array<{ rate: number; achieved: number; cpu: number; p99: number }> = [];
for (let round = 1; round <= rounds; round++) {
  const w = await timed(['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(w.output)?.[1]);
  wrk.push({ rps, cpu: w.cpu / w.wall });
  const v = await attack({
    targets: vegetaTargets(bare.url, ['/api/v1/products/1']),
    rate: 0,
    durationSeconds: seconds,
    workers: connections,
  });
  vegeta.push({ rps: v.throughput, cpu: v.generatorCpu });
  // Open model at half of what wrk reached: the CPU a given arrival rate costs the generator.
  const rate = Math.round(rps / 2);
  const o = await attack({
    targets: vegetaTargets(bare.url, ['/api/v1/products/1']),
    rate,
    durationSeconds: seconds,
    workers: 1000,
  });
  open.push({ rate, achieved: o.rate, cpu: o.generatorCpu, p99: o.p99 });
  console.log(
    `round ${round}: wrk ${fmt(rps)} req/s (${fmt(w.cpu / w.wall, 2)} cores); vegeta ${fmt(v.throughput)} req/s ` +
      `(${fmt(v.generatorCpu, 2)} cores); vegeta open ${rate}/s → ${fmt(o.rate)}/s (${fmt(o.generatorCpu, 2)} cores)`,
  );
}
await bare.stop();

const perRound = vegeta.map((v, i) => v.rps / (wrk[i] as { rps: number }).rps);
const section = `## Load generator

Command: \`make bench  # AVELON_BENCHES=generator for this section only\` (scripts/bench/generator.sh →
loadtest/generator-bench.ts). Run on ${new Date().toISOString().slice(0, 10)}, 2 shared cores, load average at the end ${loadavg()
  .map((l) => l.toFixed(1))
  .join(
    ', ',
  )}. Target: loadtest/bare-fastify.ts answering a ~1.3 KB JSON body; ${rounds} rounds of ${seconds} s, tools interleaved;
closed loop with ${connections} connections for both (wrk \`-t1 -c${connections}\`, vegeta \`-rate=0 -max-workers=${connections}\`), then vegeta open model
(constant arrival rate) at half of wrk's figure. CPU is the tool's own user+system time ÷ wall time (bash \`times\`).
The generator and the server share the same 2 cores: a generator that needs more CPU per request leaves less to
the server, so the closed-loop req/s of each tool is also a measure of its cost.

| tool | req/s (median) | per-round | generator CPU (cores) |
|---|---|---|---|
| wrk (C, the reference) | ${fmt(median(wrk.map((x) => x.rps)))} | ${wrk.map((x) => fmt(x.rps)).join(', ')} | ${span(wrk.map((x) => x.cpu))} |
| vegeta v12.13.0, closed loop | ${fmt(median(vegeta.map((x) => x.rps)))} | ${vegeta.map((x) => fmt(x.rps)).join(', ')} | ${span(vegeta.map((x) => x.cpu))} |
| vegeta, open model at ½ of wrk | ${fmt(median(open.map((x) => x.achieved)))} (asked ${fmt(median(open.map((x) => x.rate)))}) | ${open.map((x) => `${fmt(x.achieved)} (p99 ${fmt(x.p99, 1)} ms)`).join(', ')} | ${span(open.map((x) => x.cpu))} |

vegeta ÷ wrk, closed loop: **${span(perRound)}**.

**Why vegeta.** k6 is AGPL and may not be used. The project needs open-model load (a constant or stepped arrival
rate, so a slow server shows as latency instead of fewer requests), per-request data (a new product, filter, page
or search word on every request, from a targets file generated from the real catalogue) and percentiles it
reports itself. vegeta (MIT, Go, built from the Go module proxy into \`.tools/bin\` by \`make tools\`) does all three
with a fixed-rate scheduler and a static binary. It costs more CPU per request than wrk (the table above), and on
2 cores that CPU is taken from the server: absolute ceilings measured with it are lower than wrk's. Every ratio in
this file compares targets measured with the same generator in the same run, and its CPU is reported beside every
API result, so a figure set by the generator shows as such.
wrk is a closed-loop tool (it hides queueing delay: coordinated omission) and scripts requests in Lua; autocannon
(the previous bench) is closed loop and runs in Node, in the process that also orchestrates; artillery
(MPL-2.0, Node) spends far more CPU per request than either. Latency percentiles are vegeta's report figures
(\`vegeta report -type=json\`; \`-type=hdrplot\` gives the HDR histogram of a run).
`;
console.log(`\n${section}`);
writeSection(docFile, 'Load generator', section);
console.log(`written to ${docFile}`);
