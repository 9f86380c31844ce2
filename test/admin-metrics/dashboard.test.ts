// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the real app
// and the real API, worker and operator (standalone) under generated traffic: login, every panel live,
// operator decisions as markers on the right chart with a readable reason, a stopped source shown as
// unreachable, and no data without a session. Screenshots go to $AVELON_DATA_DIR/screenshots.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { closeDb } from '../support/api.ts';
import { eventually, stack } from '../support/stack.ts';
import {
  adminPassword,
  dashboardUrl,
  trafficPanels as nonZero,
  type Platform,
  ports,
  startPlatform,
} from './support.ts';

const shots = join(stack.AVELON_DATA_DIR, 'screenshots');
let platform: Platform;
let browser: Browser;
let page: Page;

before(async () => {
  mkdirSync(shots, { recursive: true });
  platform = await startPlatform();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
});

after(async () => {
  await browser?.close();
  await platform?.close();
  await closeDb();
});

test('every data endpoint answers 401 without a session', async () => {
  for (const path of ['/api/overview?range=5m', '/api/live', '/api/session']) {
    const res = await fetch(`${dashboardUrl}${path}`);
    assert.equal(res.status, 401, path);
    assert.deepEqual(Object.keys((await res.json()) as object), ['code', 'message'], `${path}: no data in the body`);
  }
  const forged = await fetch(`${dashboardUrl}/api/overview`, {
    headers: { cookie: 'avelon_admin=YWRtaW4.9999999999.forged' },
  });
  assert.equal(forged.status, 401, 'a forged cookie is no session');
});

test('a wrong password is refused in the browser, with nothing but the message', async () => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  const started = performance.now();
  await page.goto(dashboardUrl);
  await page.fill('input[name=password]', 'wrong');
  await page.click('button[type=submit]');
  await page.waitForSelector('.login .error:not([hidden])');
  assert.match((await page.textContent('.login .error')) ?? '', /Wrong user name or password/);
  assert.equal(await page.locator('.panel').count(), 0, 'no panel drawn');
  assert.ok(!requests.includes('/api/overview'), 'no data requested');

  // The right password: the dashboard.
  await page.fill('input[name=password]', adminPassword);
  await page.click('button[type=submit]');
  await page.waitForSelector('.panel canvas', { timeout: 30_000 });
  const firstChartMs = await page.evaluate(() => performance.getEntriesByName('first-chart')[0]?.startTime ?? -1);
  // Evaluated in the page (as text: this file is type-checked without the DOM's types).
  const bytes = await page.evaluate(`performance.getEntriesByType('resource')
    .concat(performance.getEntriesByType('navigation'))
    .filter((e) => !e.name.includes('/api/live'))
    .map((e) => ({ name: e.name, transfer: e.transferSize, decoded: e.decodedBodySize }))`);
  writeFileSync(
    join(shots, 'first-load.json'),
    JSON.stringify({ firstChartMs, wallMs: performance.now() - started, bytes }, null, 2),
  );
});

test('every panel shows real data that moves with the traffic', async () => {
  const overview = async () =>
    (await page.evaluate(async () => (await fetch('/api/overview?range=5m')).json())) as {
      data: { times: number[]; series: Record<string, Array<number | null>> };
      panels: Array<{ id: string }>;
    };
  let last: Awaited<ReturnType<typeof overview>> | undefined;
  const missing = () =>
    nonZero.filter(
      (id) =>
        !Object.entries(last?.data.series ?? {}).some(
          ([k, col]) => k.startsWith(`${id}/`) && col.some((v) => v !== null && v > 0),
        ),
    );
  await eventually(
    `non-zero data on every panel (missing: ${missing().join(', ')})`,
    async () => {
      last = await overview();
      return missing().length === 0;
    },
    90_000,
  ).catch((e: Error) => assert.fail(`${e.message}: ${missing().join(', ')}`));
  const before = last as NonNullable<typeof last>;
  // Replica lag and the oldest job's age are real zeros on a quiet stack: they must have values (never
  // "no data"), and zero is what they truly are when the replica is caught up and no job waits.
  for (const id of ['replica-lag', 'oldest-wait']) {
    assert.ok(
      Object.keys(before.data.series).some((k) => k.startsWith(`${id}/`)),
      `${id} has values`,
    );
  }
  // Moving: later readings, and the traffic panels' values differ from a few seconds before.
  await new Promise((r) => setTimeout(r, 4000));
  const later = await overview();
  assert.ok((later.data.times.at(-1) ?? 0) > (before.data.times.at(-1) ?? 0), 'new readings arrived');
  for (const id of ['requests', 'latency', 'hit-rate', 'jobs-rate']) {
    const key = Object.keys(later.data.series).find((k) => k.startsWith(`${id}/`)) as string;
    assert.notDeepEqual(later.data.series[key]?.slice(-4), before.data.series[key]?.slice(-4), `${id} changes`);
  }
  // On the page: each panel has a chart and a current value, and is not marked unreachable.
  for (const id of nonZero) {
    const panel = page.locator(`[data-panel="${id}"]`);
    assert.equal(await panel.getAttribute('data-state'), 'ok', `${id} state`);
    assert.notEqual(await panel.locator('.value').textContent(), '–', `${id} shows a value`);
    assert.equal((await panel.locator('canvas').count()) > 0, true, `${id} has a chart`);
  }
});

test('operator decisions are markers on the chart they reacted to, with a readable reason', async () => {
  // The CPU-target cut (p95 over the 1 ms SLO) on the response-time chart; the TTL change on hit rate.
  const decisions = async () =>
    (
      (await (await fetch(`http://127.0.0.1:${ports.operator}/decisions`)).json()) as {
        decisions: Array<{ kind: string; reason: string }>;
      }
    ).decisions;
  await eventually(
    'the operator changed a CPU target, and a TTL for the hit rate',
    async () => {
      const all = await decisions();
      return (
        all.some((d) => d.kind === 'cpuTarget') && all.some((d) => d.kind === 'cacheTtl' && /hit rate/.test(d.reason))
      );
    },
    60_000,
  ).catch(async (e: Error) =>
    assert.fail(`${e.message}: ${JSON.stringify(await decisions())}\n${platform.operator.logs()}`),
  );
  await page.waitForSelector('[data-panel="latency"] .marker', { timeout: 60_000 });
  await page.waitForSelector('[data-panel="hit-rate"] .marker', { timeout: 60_000 });
  assert.equal(await page.locator('[data-panel="requests"] .marker').count(), 0, 'no marker on an unrelated chart');
  await page.locator('[data-panel="latency"] .marker').first().click();
  const popover = page.locator('.popover:not([hidden])');
  await popover.waitFor();
  const text = (await popover.textContent()) ?? '';
  assert.match(text, /CPU target of avelon-api \d+ % → \d+ %|replica floor of avelon-api/);
  assert.match(text, /Why: p95 [\d.]+ ms > SLO 1 ms/);
  assert.match(text, /It saw: p95 latency [\d.]+ ms · SLO 1 ms/);
  await page.screenshot({ path: join(shots, 'dashboard-decision.png'), fullPage: false });

  // The list beside the charts links back to the marker.
  await page.keyboard.press('Escape');
  // The TTL raised for the hit rate (once the pressure is gone the operator also moves it back: another item).
  const ttlItems = page.locator('.decisions button', { hasText: 'TTL of product' });
  let raised = '';
  for (let i = 0; i < (await ttlItems.count()) && !raised; i++) {
    await ttlItems.nth(i).click();
    await popover.waitFor();
    const text = (await popover.textContent()) ?? '';
    if (/Why: hit rate/.test(text)) raised = text;
    await page.keyboard.press('Escape');
  }
  assert.match(raised, /TTL of product \d+ min → \d+ min.*Why: hit rate/s);
  assert.match(raised, /It saw: hit rate [\d.]+ %/);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
});

test('a stopped source is shown as unreachable, never as zero', async () => {
  platform.worker.child.kill('SIGKILL');
  await platform.worker.exited;
  await page.waitForSelector('.chip.unreachable[data-role="worker"]', { timeout: 15_000 });
  await page.waitForSelector('[data-panel="jobs-rate"][data-state="unreachable"]', { timeout: 15_000 });
  assert.match(
    (await page.textContent('[data-panel="jobs-rate"] .state')) ?? '',
    /Workers unreachable since .*not zero/,
  );
  assert.equal(await page.textContent('[data-panel="jobs-rate"] .value'), 'unreachable');
  assert.equal(await page.getAttribute('[data-panel="requests"]', 'data-state'), 'ok', 'the API panels still live');
  await page.locator('[data-panel="queue-depth"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'dashboard-worker-down.png'), fullPage: false });
});

test('data that stops updating is marked stale, kept visible, and unmarked when updates resume', async () => {
  // The dashboard's process frozen: its stream stays open but says nothing, as when its reading stalls
  // (a source slower than the timeout allows, discovery hanging) or a proxy holds the stream. The page's
  // own clock must notice (three intervals without a tick), not wait for a server that cannot speak.
  const dashboard = platform.dashboard.proc;
  await page.waitForSelector('body:not(.stale)');
  dashboard.kill('SIGSTOP');
  try {
    await page.waitForSelector('body.stale', { timeout: 30_000 });
    assert.match((await page.textContent('.updated')) ?? '', /^STALE: last update \d\d:\d\d:\d\d$/);
    assert.notEqual(
      await page.textContent('[data-panel="requests"] .value'),
      '–',
      'the last values stay on screen, marked',
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, 'dashboard-stale.png'), fullPage: false });
  } finally {
    dashboard.kill('SIGCONT');
  }
  await page.waitForSelector('body:not(.stale)', { timeout: 30_000 });
  assert.match((await page.textContent('.updated')) ?? '', /^updated \d\d:\d\d:\d\d$/);
});

test('login attempts are rate-limited per client', async () => {
  let status = 0;
  for (let i = 0; i < 10 && status !== 429; i++) {
    const res = await fetch(`${dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin', password: `guess-${i}` }),
    });
    status = res.status;
    if (status === 429) assert.equal(((await res.json()) as { code: string }).code, 'ADMIN_ERR_LOGIN_RATE_LIMITED');
  }
  assert.equal(status, 429);
});
