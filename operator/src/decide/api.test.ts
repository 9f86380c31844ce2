import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideApi, roomToLoosen } from './api.ts';
import { defaultBehavior as b } from './decide.ts';
import { apiSpec, hpa, memory, observations, T0 } from './fixtures.test-support.ts';
import type { Memory, Observations } from './types.ts';

const api = apiSpec();
type Row = [string, Partial<Observations>, Partial<Memory>, string | null];

// Each row: observations and memory in, the one change expected out ("field from->to") or null (hold).
const rows: Row[] = [
  // p95 at twice the SLO: target cut in proportion (70 * 50/100 = 35), clamped to the minimum 40
  ['violation cuts the target in proportion', { p95LatencyMs: 100 }, {}, 'hpa/api.cpuTarget 70->40'],
  // a small overshoot still moves at least one point
  ['small overshoot moves one point', { p95LatencyMs: 50.5 }, {}, 'hpa/api.cpuTarget 70->69'],
  // a second cut waits out one HPA sync (15 s) after the last one
  ['paced: last cut 5 s ago', { p95LatencyMs: 100 }, { changedAt: { 'hpa/api.cpuTarget': T0 - 5000 } }, null],
  // target already at its minimum and still violating: the floor rises in proportion
  [
    'target at minimum raises the floor',
    { p95LatencyMs: 100, hpas: { api: hpa({ cpuTarget: 40, minReplicas: 3 }) } },
    {},
    'hpa/api.minReplicas 3->6',
  ],
  // the floor never passes its bound
  ['floor at its bound holds', { p95LatencyMs: 100, hpas: { api: hpa({ cpuTarget: 40, minReplicas: 20 }) } }, {}, null],
  // in the band between 70% of the SLO and the SLO: nothing moves
  ['in band holds', { p95LatencyMs: 45 }, {}, null],
  // well under, but not for long enough yet
  ['calm for 10 s only', { p95LatencyMs: 10 }, { apiCalmSince: T0 - 10_000 }, null],
  // well under for 60 s with the floor raised: the floor comes down first, by 20% (at least 1)
  [
    'calm lowers a raised floor first',
    { p95LatencyMs: 10, hpas: { api: hpa({ minReplicas: 10 }) } },
    { apiCalmSince: T0 - 60_000 },
    'hpa/api.minReplicas 10->8',
  ],
  // well under for 60 s at the floor's minimum, CPU binding the HPA: the target rises by one step
  [
    'calm raises the target slowly',
    { p95LatencyMs: 5, hpas: { api: hpa({ cpuUtilization: 70 }) } },
    { apiCalmSince: T0 - 60_000 },
    'hpa/api.cpuTarget 70->75',
  ],
  // the target violated the SLO at 75 recently: loosening stops under it
  [
    'a recent violation caps loosening',
    { p95LatencyMs: 5, hpas: { api: hpa({ cpuUtilization: 70 }) } },
    { apiCalmSince: T0 - 60_000, apiCeiling: { cpuTarget: 70, until: T0 + 1000 } },
    null,
  ],
  // calm while CPU runs far under the target (the floor holds, at night say): no proof of room
  [
    'calm but CPU far under target',
    { p95LatencyMs: 5, hpas: { api: hpa({ cpuUtilization: 20 }) } },
    { apiCalmSince: T0 - 60_000 },
    null,
  ],
  // calm, but queueing theory says 75% (up to 82.5% with the HPA's tolerance) would break the SLO
  [
    'calm but no room predicted',
    { p95LatencyMs: 30, hpas: { api: hpa({ cpuUtilization: 70 }) } },
    { apiCalmSince: T0 - 60_000 },
    null,
  ],
  // the target never passes its maximum
  [
    'target at max holds',
    { p95LatencyMs: 10, hpas: { api: hpa({ cpuTarget: 80 }) } },
    { apiCalmSince: T0 - 60_000 },
    null,
  ],
  // no latency data: hold everything, even when the last reading was calm
  ['missing p95 holds', { p95LatencyMs: undefined }, { apiCalmSince: T0 - 600_000 }, null],
  // the HPA has no CPU metric: nothing to move
  ['no cpu metric holds', { p95LatencyMs: 100, hpas: { api: hpa({ cpuTarget: undefined }) } }, {}, null],
  // a floor under the policy's minimum is brought up to it
  [
    'floor under the bound',
    { p95LatencyMs: 45, hpas: { api: hpa({ minReplicas: 1 }) } },
    {},
    'hpa/api.minReplicas 1->2',
  ],
];

for (const [name, obs, mem, want] of rows) {
  test(`api: ${name}`, () => {
    const m = memory(mem);
    const { actions } = decideApi(api, b, observations(obs), m, T0);
    const got = actions.map((a) => `${a.target} ${a.from}->${a.to}`);
    assert.deepEqual(got, want ? [want] : []);
    if (want) assert.equal(m.changedAt[want.split(' ')[0] as string], T0, 'the change time is remembered');
  });
}

test('api: a missing reading resets the calm streak', () => {
  const m = memory({ apiCalmSince: T0 - 600_000 });
  decideApi(api, b, observations({ p95LatencyMs: undefined }), m, T0);
  assert.equal(m.apiCalmSince, undefined);
});

// [name, seconds since the last target change (undefined: never), active ceiling before, ceiling after]
// with p95 at twice the SLO and the target at 70: the cut goes to 40 in every case.
const ceilings: Array<[string, number | undefined, number | undefined, number]> = [
  // the first cut ever: 70 violated, so loosening stops at 65 for an hour
  ['first cut sets the ceiling', undefined, undefined, 65],
  // 70 has been in force for two minutes: the HPA acted on it, it is proven too loose
  ['a tested target lowers the ceiling', 120, 75, 65],
  // 70 was set 20 s ago by the previous cut of the same overload: untested, the ceiling stays
  ['an untested target keeps the ceiling', 20, 75, 75],
  // untested, but no ceiling is active: this cut sets one
  ['untested without a ceiling sets one', 20, undefined, 65],
];
for (const [name, since, before, after] of ceilings) {
  test(`api ceiling: ${name}`, () => {
    const m = memory({
      changedAt: since === undefined ? {} : { 'hpa/api.cpuTarget': T0 - since * 1000 },
      ...(before === undefined ? {} : { apiCeiling: { cpuTarget: before, until: T0 + 600_000 } }),
    });
    const { actions } = decideApi(api, b, observations({ p95LatencyMs: 100 }), m, T0);
    assert.deepEqual(
      actions.map((a) => a.to),
      [40],
    );
    assert.equal(m.apiCeiling?.cpuTarget, after);
  });
}

// [p95 ms, CPU %, target, next, SLO ms, room?]
const room: Array<[number, number | undefined, number, number, number, boolean]> = [
  // 5 ms at 70%: at 82.5% the queueing model predicts 5 * 0.3 / 0.175 = 8.6 ms, under 50
  [5, 70, 70, 75, 50, true],
  // 30 ms at 70%: predicts 51 ms, over 50
  [30, 70, 70, 75, 50, false],
  // CPU unknown (no HPA status yet): no loosening
  [5, undefined, 70, 75, 50, false],
];
for (const [p95, cpu, target, next, slo, want] of room) {
  test(`roomToLoosen: p95 ${p95} ms at CPU ${cpu}% -> ${next}%`, () =>
    assert.equal(roomToLoosen(p95, cpu, target, next, slo) === true, want));
}
