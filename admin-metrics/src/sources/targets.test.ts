import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SliceLike, urlsFromSlices } from './targets.ts';

const ready = (ip: string) => ({ addresses: [ip], conditions: { ready: true } });

// [what, slices, port name, URLs]
const cases: Array<[string, SliceLike[], string, string[]]> = [
  // the named port of every ready endpoint, across slices, sorted
  [
    'two slices, named port',
    [
      {
        addressType: 'IPv4',
        ports: [
          { name: 'http', port: 80 },
          { name: 'metrics', port: 9100 },
        ],
        endpoints: [ready('10.0.0.2')],
      },
      { addressType: 'IPv4', ports: [{ name: 'metrics', port: 9100 }], endpoints: [ready('10.0.0.1')] },
    ],
    'metrics',
    ['http://10.0.0.1:9100/metrics', 'http://10.0.0.2:9100/metrics'],
  ],
  // a pod starting or terminating is left out (ready: false); unknown readiness counts as ready
  [
    'not ready left out',
    [
      {
        ports: [{ name: 'metrics', port: 9100 }],
        endpoints: [{ addresses: ['10.0.0.3'], conditions: { ready: false } }, { addresses: ['10.0.0.4'] }],
      },
    ],
    'metrics',
    ['http://10.0.0.4:9100/metrics'],
  ],
  // IPv6 addresses are bracketed
  [
    'IPv6',
    [{ addressType: 'IPv6', ports: [{ name: 'metrics', port: 9100 }], endpoints: [ready('fd00::5')] }],
    'metrics',
    ['http://[fd00::5]:9100/metrics'],
  ],
  // a slice with only other ports has no target; a single unnamed port is taken
  [
    'port not found / single unnamed',
    [
      {
        ports: [
          { name: 'http', port: 80 },
          { name: 'grpc', port: 81 },
        ],
        endpoints: [ready('10.0.0.6')],
      },
      { ports: [{ port: 15410 }], endpoints: [ready('10.0.0.7')] },
    ],
    'metrics',
    ['http://10.0.0.7:15410/metrics'],
  ],
  // no endpoints at all (Service scaled to zero)
  ['empty', [{ ports: [{ name: 'metrics', port: 9100 }], endpoints: null }], 'metrics', []],
];
for (const [what, slices, port, want] of cases) {
  test(`urlsFromSlices: ${what}`, () => assert.deepEqual(urlsFromSlices(slices, port), want));
}
