// The dashboard in Prometheus mode (METRICS_SOURCE=prometheus) against a real Prometheus that scrapes the
// real API, worker and operator under the browser test's traffic: the panels' PromQL answers with real,
// non-zero data, the 24 h view is a bounded query_range, and Prometheus stopped shows every source
// unreachable with no values (never zeros). Needs .tools/bin/prometheus, which `make tools` builds from the
// Go module proxy (`make test` always has it); a file run without it is skipped, saying so.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { closeDb } from '../support/api.ts';
import { eventually, repoRoot } from '../support/stack.ts';
import {
  followLive,
  login,
  type MetricsUrls,
  trafficPanels as nonZero,
  type Platform,
  ports,
  startPlatform,
} from './support.ts';

const binary = join(repoRoot, '.tools/bin/prometheus');
const skip = existsSync(binary)
  ? false
  : 'no Prometheus at .tools/bin/prometheus; build it with `scripts/tools/install.sh prometheus` (make tools)';
const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;

let platform: Platform | undefined;
let prometheus: ChildProcess | undefined;
let prometheusLogs = '';
let cookie = '';

/** Starts Prometheus scraping the platform every second (as often as the dashboard's test interval). */
async function startPrometheus(urls: MetricsUrls): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'avelon-prometheus-'));
  const job = (name: string, url: string) => ({
    job_name: name,
    metrics_path: new URL(url).pathname,
    static_configs: [{ targets: [new URL(url).host] }],
  });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [job('api', urls.api), job('worker', urls.worker), job('operator', urls.operator)],
    }),
  );
  prometheus = spawn(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (b: Buffer) => {
    prometheusLogs = (prometheusLogs + b.toString()).slice(-20_000);
  };
  prometheus.stdout?.on('data', keep);
  prometheus.stderr?.on('data', keep);
  await eventually(
    `Prometheus ready on :${ports.prometheus}`,
    async () => (await fetch(`${prometheusUrl}/-/ready`)).ok,
    60_000,
  ).catch((e: Error) => assert.fail(`${e.message}\n${prometheusLogs}`));
  return { METRICS_SOURCE: 'prometheus', PROMETHEUS_URL: prometheusUrl };
}

async function stopPrometheus() {
  if (!prometheus || prometheus.exitCode !== null || prometheus.signalCode !== null) return;
  const exited = once(prometheus, 'exit');
  prometheus.kill('SIGTERM');
  await exited;
}

before(async () => {
  if (skip) return;
  platform = await startPlatform({ beforeDashboard: startPrometheus });
  cookie = await login();
});

after(async () => {
  await platform?.close();
  await stopPrometheus();
  if (!skip) await closeDb();
});

type Overview = {
  mode: string;
  data: { stepSeconds: number; times: number[]; series: Record<string, Array<number | null>> };
  sources: Array<{ role: string; state: string }>;
};
const overview = async (range: string) =>
  (await (
    await fetch(`http://127.0.0.1:${ports.dashboard}/api/overview?range=${range}`, { headers: { cookie } })
  ).json()) as Overview;

test("every panel's PromQL answers with the platform's real, non-zero data", { skip }, async () => {
  let last: Overview | undefined;
  const missing = () =>
    nonZero.filter(
      (id) =>
        !Object.entries(last?.data.series ?? {}).some(
          ([k, col]) => k.startsWith(`${id}/`) && col.some((v) => v !== null && v > 0),
        ),
    );
  await eventually(
    'non-zero data on every panel through Prometheus',
    async () => {
      last = await overview('5m');
      return missing().length === 0;
    },
    120_000,
  ).catch((e: Error) => assert.fail(`${e.message}; missing: ${missing().join(', ')}\n${prometheusLogs}`));
  const o = last as Overview;
  assert.equal(o.mode, 'prometheus');
  assert.deepEqual(
    o.sources.map((s) => s.state),
    ['up', 'up', 'up'],
  );
  // Live updates are instant queries: a tick carries current values of the same series.
  const live = await followLive(cookie, (e) => (e.data.tick.values['requests/rps/all routes'] ?? 0) > 0, {
    signal: AbortSignal.timeout(30_000),
  });
  assert.ok(live.matched, `a live tick with the request rate (${live.events} ticks seen)`);
});

test('24 h is a query_range of about 300 points, bounded whatever Prometheus holds', { skip }, async () => {
  const day = await overview('24h');
  assert.equal(day.data.stepSeconds, 288);
  assert.ok(day.data.times.length <= 301, `${day.data.times.length} points`);
  for (const [id, column] of Object.entries(day.data.series))
    assert.equal(column.length, day.data.times.length, `${id}: one value per point`);
  assert.ok(
    Object.entries(day.data.series).some(([k, col]) => k.startsWith('requests/') && col.some((v) => v !== null)),
    'the last points hold the traffic',
  );
});

test('Prometheus stopped: every source unreachable and no values, never zeros', { skip }, async () => {
  await stopPrometheus();
  const live = await followLive(
    cookie,
    (e) => {
      if (!e.data.tick.sources.every((s) => s.state === 'unreachable')) return false;
      assert.deepEqual(e.data.tick.values, {}, 'no value is made up');
      return true;
    },
    { signal: AbortSignal.timeout(30_000) },
  );
  assert.ok(live.matched, `a tick with every source unreachable (${live.events} ticks seen)`);
  const o = await overview('5m');
  assert.ok(
    o.sources.every((s) => s.state === 'unreachable'),
    JSON.stringify(o.sources),
  );
});
