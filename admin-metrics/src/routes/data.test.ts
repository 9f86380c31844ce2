import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildApp } from '../app.ts';
import { issueSession, sessionCookieName } from '../auth/session.ts';
import { loadDashboardConfig } from '../config.ts';
import { History } from '../history/history.ts';
import { Live } from '../live.ts';
import { DecisionFeed } from '../sources/decisions.ts';
import { ScrapeCollector } from '../sources/scrape.ts';
import { staticTargets } from '../sources/targets.ts';

// The 24 h view through the HTTP API, after two days of 5 s readings of more series than the bound:
// the answer is the coarse history (one mean per minute), at most a day of it, at most the bounded
// number of series, whatever the uptime.
const config = loadDashboardConfig({ ADMIN_PASSWORD: 'x', SESSION_SECRET: 'a-unit-test-session-secret-of-32-chars' });
const maxSeries = 40;
const offered = 60;
let app: Awaited<ReturnType<typeof buildApp>>;
const cookie = `${sessionCookieName}=${issueSession(config.SESSION_SECRET, 'admin', 600)}`;

before(async () => {
  const history = new History({
    fineStepSeconds: 5,
    fineSeconds: 3600,
    coarseStepSeconds: 60,
    coarseSeconds: 86_400,
    maxSeries,
  });
  const end = Math.floor(Date.now() / 5000) * 5000;
  const ids = Array.from({ length: offered }, (_, i) => `requests/rps/route-${i}`);
  // Readings 0..11 within every minute (5 s apart, minute-aligned): each minute's mean is 5.5.
  for (let t = end - 2 * 86_400_000; t <= end; t += 5000) {
    const v = (t / 5000) % 12;
    history.append(t, new Map(ids.map((id) => [id, v])));
  }
  const live = new Live({
    collector: new ScrapeCollector(staticTargets({ api: [], worker: [], operator: [] }), 1000),
    history,
    feed: new DecisionFeed('', 1000),
    intervalMs: 5000,
    targets: { errorRateTarget: 0.01, replicaLagTargetSeconds: 2 },
  });
  app = await buildApp(config, live);
});
after(() => app?.close());

type Overview = { range: string; data: { stepSeconds: number; times: number[]; series: Record<string, unknown[]> } };

test('24 h: minute means of the last day, bounded in points, series and bytes', async () => {
  const res = await app.inject({ url: '/api/overview?range=24h', headers: { cookie } });
  assert.equal(res.statusCode, 200);
  const { data } = res.json() as Overview;
  assert.equal(data.stepSeconds, 60, 'the coarse history');
  assert.ok(data.times.length >= 1439 && data.times.length <= 1440, `${data.times.length} points: a day of minutes`);
  assert.ok(
    data.times.every((t) => t % 60_000 === 0),
    'one point per minute',
  );
  assert.ok((data.times[0] as number) >= Date.now() - 86_400_000 - 60_000, 'nothing older than the day');
  const ids = Object.keys(data.series);
  assert.equal(ids.length, maxSeries, `${offered} series offered, ${maxSeries} kept`);
  for (const id of ids) {
    const column = data.series[id] as Array<number | null>;
    assert.equal(column.length, data.times.length, `${id}: one value per point`);
    assert.ok(
      column.every((v) => v === 5.5),
      `${id}: minute means`,
    );
  }
  // JSON numbers of at most ~20 characters plus a comma, per point and series: the answer's ceiling.
  const ceiling = (maxSeries + 1) * 1440 * 22 + 64 * 1024;
  assert.ok(res.body.length < ceiling, `${res.body.length} bytes < ${ceiling}`);
});

test('1 h and 5 min stay at the scrape interval', async () => {
  const hour = (await app.inject({ url: '/api/overview?range=1h', headers: { cookie } })).json() as Overview;
  assert.equal(hour.data.stepSeconds, 5);
  assert.ok(hour.data.times.length >= 720 && hour.data.times.length <= 721, `${hour.data.times.length} points`);
  const five = (await app.inject({ url: '/api/overview?range=5m', headers: { cookie } })).json() as Overview;
  assert.equal(five.data.stepSeconds, 5);
  assert.ok(five.data.times.length <= 61, `${five.data.times.length} points`);
});

test('an unknown range is a 400 with a code; no session is a 401', async () => {
  const bad = await app.inject({ url: '/api/overview?range=7d', headers: { cookie } });
  assert.equal(bad.statusCode, 400);
  assert.equal((bad.json() as { code: string }).code, 'ADMIN_ERR_BAD_REQUEST');
  const anonymous = await app.inject({ url: '/api/overview?range=24h' });
  assert.equal(anonymous.statusCode, 401);
  assert.equal((anonymous.json() as { code: string }).code, 'ADMIN_ERR_UNAUTHENTICATED');
});
