import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { metricCatalog } from '@avelon/core';
import { panels } from '../panels/catalog.ts';
import { grafanaFile, grafanaText } from './generate.ts';

/** Every sample name the services can export: catalog names, with a histogram's three series. */
const exported = new Set(
  Object.values(metricCatalog).flatMap((d) =>
    d.type === 'histogram' ? [`${d.name}_bucket`, `${d.name}_count`, `${d.name}_sum`] : [d.name],
  ),
);
const namesIn = (expr: string) => expr.match(/\bavelon_[a-z0-9_]+/g) ?? [];

test('the checked-in Grafana dashboard is generated from the panel catalog (node admin-metrics/src/grafana/generate.ts)', () => {
  assert.equal(readFileSync(grafanaFile, 'utf8'), grafanaText());
});

test('every query of the Grafana dashboard names only metrics the services export', () => {
  const dashboard = JSON.parse(readFileSync(grafanaFile, 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    annotations: { list: Array<{ expr: string }> };
  };
  const exprs = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
    ...dashboard.annotations.list.map((a) => ({ where: 'annotation', expr: a.expr })),
  ];
  assert.ok(exprs.length >= panels.length);
  for (const { where, expr } of exprs) {
    const names = namesIn(expr);
    assert.ok(names.length > 0, `${where}: ${expr} names a metric`);
    for (const name of names) assert.ok(exported.has(name), `${where}: ${name} is not exported by any service`);
  }
});

test('the check itself catches a name no service exports', () => {
  assert.deepEqual(
    namesIn('rate(avelon_http_requests_total[1m])').filter((n) => !exported.has(n)),
    ['avelon_http_requests_total'],
  );
});

test('the same panels as the page: one Grafana panel per catalog panel, same titles', () => {
  const dashboard = JSON.parse(grafanaText()) as { panels: Array<{ title: string }> };
  assert.deepEqual(
    dashboard.panels.map((p) => p.title),
    panels.map((p) => p.title),
  );
});
