// What the dashboard's live updates cost on the wire: follows `/api/live` (server-sent events) for a while
// and prints the bytes of each `tick` (one reading of every series), the series it carried and the bytes
// per minute, keep-alive comments included. Without --url it starts the platform the browser test uses
// (real API with its cache, worker, standalone operator, bounded traffic) on the test stack
// (`source scripts/stack/env.sh` first) with the dashboard at --interval-ms (default 5000, as shipped).
//   node loadtest/dashboard-live.ts [--seconds 60] [--interval-ms 5000] [--warmup 15]
//   node loadtest/dashboard-live.ts --url http://127.0.0.1:15413 --password admin   # a running dashboard

import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  dashboardUrl,
  followLive,
  type LiveEvent,
  login,
  type Platform,
  startPlatform,
} from '../test/admin-metrics/support.ts';
import { closeDb } from '../test/support/api.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string' },
    seconds: { type: 'string', default: '60' },
    'interval-ms': { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '15' },
  },
});
const seconds = Number(values.seconds);
const intervalMs = Number(values['interval-ms']);
const warmup = Number(values.warmup);
if (!(seconds > 0) || !(intervalMs >= 500) || !(warmup >= 0)) throw new Error('bad --seconds/--interval-ms/--warmup');

let platform: Platform | undefined;
let baseUrl = values.url?.replace(/\/$/, '');
if (!baseUrl) {
  platform = await startPlatform({ intervalMs });
  baseUrl = dashboardUrl;
  // The first readings have no rates yet (a rate needs two scrapes): measure once traffic shows.
  await new Promise((r) => setTimeout(r, warmup * 1000));
}
try {
  const cookie = platform ? await login(baseUrl) : await login(baseUrl, values.user, values.password ?? '');
  const ticks: LiveEvent[] = [];
  const started = Date.now();
  const { totalBytes } = await followLive(
    cookie,
    (e) => {
      ticks.push(e);
      return false;
    },
    {
      baseUrl,
      signal: AbortSignal.timeout(seconds * 1000),
    },
  );
  const elapsed = (Date.now() - started) / 1000;
  if (!ticks.length) throw new Error(`no tick in ${seconds} s`);
  const sizes = ticks.map((t) => t.bytes).sort((a, b) => a - b);
  const series = ticks.map((t) => Object.keys(t.data.tick.values).length).sort((a, b) => a - b);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)] as number;
  const last = ticks.at(-1) as LiveEvent;
  const gzip = gzipSync(`event: tick\ndata: ${JSON.stringify(last.data)}\n\n`).byteLength;
  console.log(
    JSON.stringify(
      {
        url: baseUrl,
        intervalMs: platform ? intervalMs : 'as configured',
        seconds: Math.round(elapsed),
        ticks: ticks.length,
        seriesPerTick: { min: series[0], median: median(series), max: series.at(-1) },
        bytesPerTick: { min: sizes[0], median: median(sizes), max: sizes.at(-1) },
        bytesPerSeries: Math.round(median(sizes) / Math.max(1, median(series))),
        streamBytes: totalBytes,
        bytesPerMinute: Math.round((totalBytes / elapsed) * 60),
        gzipOfOneTick: gzip,
      },
      null,
      2,
    ),
  );
} finally {
  await platform?.close();
  if (platform) await closeDb();
}
