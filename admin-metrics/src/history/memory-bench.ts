// Measures the history's memory at its bounds: `node --expose-gc admin-metrics/src/history/memory-bench.ts [series]`.
// Fills a day of 5 s readings (the fine ring holds the last hour, the coarse one the day as minute means)
// for N series (default 400 = HISTORY_MAX_SERIES), and prints what the process gained.
import { History } from './history.ts';

const series = Number(process.argv[2] ?? 400);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const before = used();
const h = new History({
  fineStepSeconds: 5,
  fineSeconds: 3600,
  coarseStepSeconds: 60,
  coarseSeconds: 86_400,
  maxSeries: series,
});
const ids = Array.from({ length: series }, (_, i) => `panel/family/series-${i}`);
const start = Date.now() - 86_400_000;
for (let t = 0; t < 86_400; t += 5) h.append(start + t * 1000, new Map(ids.map((id, i) => [id, (t + i) % 97])));
const after = used();
const perSeries = (after - before) / series;
console.log(
  `${series} series, ${h.points} fine points (1 h at 5 s) + a day of minute means: ${((after - before) / 1048576).toFixed(1)} MiB (${(perSeries / 1024).toFixed(1)} KiB per series; rings alone: ${(((721 + 1440) * 8) / 1024).toFixed(1)} KiB)`,
);
