// Writes admin-metrics/grafana/avelon.json: the dashboard's panels as a Grafana dashboard, from the same
// catalog (same titles, PromQL, target lines). `node admin-metrics/src/grafana/generate.ts`; a test fails
// when the checked-in file is stale. The chart ships it as a ConfigMap for Grafana's sidecar.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Panel, panels, type Unit } from '../panels/catalog.ts';

export const grafanaFile = fileURLToPath(new URL('../../grafana/avelon.json', import.meta.url));

const grafanaUnit: Record<Unit, string> = {
  perSecond: 'reqps',
  ratio: 'percentunit',
  seconds: 's',
  count: 'short',
  perRequest: 'short',
  percent: 'percent',
};

// Target lines Grafana can draw without the operator's record: fixed thresholds from the shipped policy.
const staticTargets: Record<string, number> = { latency: 0.05, 'latency-route': 0.05, 'hit-rate': 0.9, errors: 0.01 };

function panelJson(p: Panel, i: number) {
  const target = staticTargets[p.id];
  return {
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    description: p.help,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    datasource: { type: 'prometheus', uid: '$datasource' },
    fieldConfig: {
      defaults: {
        unit: grafanaUnit[p.unit],
        custom: { spanNulls: false, ...(target !== undefined ? { thresholdsStyle: { mode: 'dashed' } } : {}) },
        thresholds: {
          mode: 'absolute',
          steps: [{ color: 'green', value: null }, ...(target !== undefined ? [{ color: 'red', value: target }] : [])],
        },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: p.families.map((f, j) => ({
      refId: String.fromCharCode(65 + j),
      expr: f.promql,
      legendFormat: f.legend,
      datasource: { type: 'prometheus', uid: '$datasource' },
    })),
  };
}

/** The dashboard JSON (Grafana 10+ schema). Operator changes are annotations from its counter. */
export function grafanaDashboard() {
  return {
    uid: 'avelon-platform',
    title: 'Avelon platform',
    description: 'Same panels as the admin-metrics dashboard (generated from admin-metrics/src/panels/catalog.ts).',
    tags: ['avelon'],
    timezone: 'browser',
    schemaVersion: 39,
    refresh: '10s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    annotations: {
      list: [
        {
          name: 'Operator changes',
          enable: true,
          iconColor: 'orange',
          datasource: { type: 'prometheus', uid: '$datasource' },
          expr: 'changes(avelon_operator_changes_total[1m]) > 0',
          titleFormat: 'operator: {{field}} ({{mode}})',
          step: '30s',
        },
      ],
    },
    panels: panels.map(panelJson),
  };
}

export const grafanaText = () => `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;

if (import.meta.main) writeFileSync(grafanaFile, grafanaText());
