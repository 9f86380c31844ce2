import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Registry } from 'prom-client';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { L1Store } from './l1-store.ts';
import type { TtlRegistry } from './ttl-registry.ts';
import { TwoTierCache } from './two-tier-cache.ts';

const TTL = 1000;
const GRACE = 500;

/** A cache on L1 only, a 1 s TTL, 0.5 s grace, refresh-ahead after 80%, on a mocked clock. */
function setup(maxBackgroundRefreshes = 4) {
  const registry = new Registry();
  const counter = (name: string, labelNames: string[]) =>
    new Counter({ name, help: name, labelNames, registers: [registry] });
  const cache = new TwoTierCache({
    enabled: true,
    l1: new L1Store({ maxBytes: 1 << 20 }),
    l2: undefined,
    breaker: { available: () => false, failure: () => {} } as unknown as CircuitBreaker,
    ttls: { ms: () => TTL } as unknown as TtlRegistry,
    busHealthy: () => true,
    graceMs: GRACE,
    refreshAheadRatio: 0.8,
    maxBackgroundRefreshes,
    softTimeoutMs: 50,
    degradedL1MaxAgeMs: 1000,
    lookups: counter('lookups', ['cls', 'tier', 'result']),
    loads: counter('loads', ['cls', 'result']),
    l2Errors: counter('l2_errors', ['op']),
    log: { debug() {}, warn() {}, info() {} } as unknown as FastifyBaseLogger,
  });
  return { cache };
}

/** A loader whose calls are counted and that answers only when told to. */
function gatedLoader() {
  const pending: ((value: string | undefined) => void)[] = [];
  let calls = 0;
  return {
    load: () => {
      calls++;
      return new Promise<string | undefined>((resolve) => pending.push(resolve));
    },
    get calls() {
      return calls;
    },
    answer(value: string | undefined) {
      const next = pending.shift();
      assert.ok(next, 'a load is pending');
      next(value);
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

test('each age range of a value gets its answer: load, hit, refresh-ahead, stale-while-revalidate, reload', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  const loader = gatedLoader();
  const get = () => cache.get('product', '1', ['product:1'], loader.load);

  const first = get();
  loader.answer('"v1"');
  assert.deepEqual(pick(await first), ['"v1"', 'db']);

  // [age, body served, source, loads started so far, answer the pending load with]
  const steps: [number, string, string, number, string | undefined][] = [
    [100, '"v1"', 'l1', 1, undefined], // fresh: no load
    [850, '"v1"', 'l1', 2, '"v2"'], // last 20% of the TTL: served, and reloaded in the background
    [1500, '"v2"', 'l1', 2, undefined], // v2 was loaded at 850 ms: fresh again
    [1950, '"v2"', 'stale', 3, '"v3"'], // past its TTL within grace: served at once, reloaded behind
    [1950 + TTL + GRACE + 10, '"v4"', 'db', 4, undefined], // past the grace too: the request waits for the load
  ];
  for (const [at, body, source, loads, answer] of steps) {
    t.mock.timers.setTime(at);
    const pendingLookup = get();
    if (source === 'db') loader.answer('"v4"');
    assert.deepEqual(pick(await pendingLookup), [body, source], `at ${at} ms`);
    assert.equal(loader.calls, loads, `loads started by ${at} ms`);
    if (answer !== undefined) {
      loader.answer(answer);
      await flush();
    }
  }
  assert.ok(cache.peek('product', '1'), 'the reloaded value is fresh in memory: the synchronous path serves it');
});

test('one background reload per key, however many requests see the value aging', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  const loader = gatedLoader();
  const get = () => cache.get('product', '1', ['product:1'], loader.load);
  const first = get();
  loader.answer('"v1"');
  await first;
  t.mock.timers.setTime(900);
  assert.equal(cache.peek('product', '1'), undefined, 'an aging value leaves the synchronous path');
  const answers = await Promise.all([get(), get(), get()]);
  assert.deepEqual(
    answers.map((a) => a.entry.body),
    ['"v1"', '"v1"', '"v1"'],
  );
  assert.equal(loader.calls, 2, 'one reload for three requests');
  assert.equal(cache.backgroundRefreshes, 1);
  loader.answer('"v2"');
  await flush();
  assert.equal(cache.backgroundRefreshes, 0);
  assert.equal(cache.peek('product', '1')?.body, '"v2"');
});

test('background reloads are bounded: beyond the limit a key keeps its value and reloads later', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup(1);
  const loader = gatedLoader();
  for (const key of ['1', '2']) {
    const p = cache.get('product', key, [`product:${key}`], loader.load);
    loader.answer(`"${key}"`);
    await p;
  }
  t.mock.timers.setTime(900);
  await cache.get('product', '1', ['product:1'], loader.load);
  const second = await cache.get('product', '2', ['product:2'], loader.load);
  assert.equal(second.entry.body, '"2"', 'served as it is');
  assert.equal(loader.calls, 3, 'only the first key reloads');
  loader.answer('"1b"');
  await flush();
  await cache.get('product', '2', ['product:2'], loader.load);
  assert.equal(loader.calls, 4, 'the second key reloads once a slot is free');
  loader.answer('"2b"');
  await flush();
});

test('a failed background reload keeps serving the old value', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  let fail = false;
  const load = async () => {
    if (fail) throw new Error('database down');
    return '"v1"';
  };
  await cache.get('product', '1', ['product:1'], load);
  fail = true;
  t.mock.timers.setTime(TTL + 100);
  const stale = await cache.get('product', '1', ['product:1'], load);
  await flush();
  assert.deepEqual(pick(stale), ['"v1"', 'stale']);
  const again = await cache.get('product', '1', ['product:1'], load);
  assert.deepEqual(pick(again), ['"v1"', 'stale']);
});

test('a remembered absence is reloaded as soon as its TTL ends, never served stale', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  const loader = gatedLoader();
  const get = () => cache.get('product', '9', ['product:9'], loader.load);
  const first = get();
  loader.answer(undefined);
  assert.equal((await first).entry.absent, true);
  t.mock.timers.setTime(900);
  assert.equal((await get()).entry.absent, true, 'still within its TTL');
  assert.equal(loader.calls, 1, 'no refresh-ahead for an absence');
  t.mock.timers.setTime(TTL + 10);
  const created = get();
  loader.answer('"now exists"');
  assert.deepEqual(pick(await created), ['"now exists"', 'db']);
});

test('an invalidated value is never served, whatever its age', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  const loader = gatedLoader();
  const get = () => cache.get('product', '1', ['product:1'], loader.load);
  const first = get();
  loader.answer('"v1"');
  await first;
  t.mock.timers.setTime(TTL + 100); // would be served stale
  cache.invalidateLocal(['product:1']);
  const after = get();
  loader.answer('"v2"');
  assert.deepEqual(pick(await after), ['"v2"', 'db']);
});

test('a request after an invalidation never joins a load that started before it', async (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const { cache } = setup();
  const loader = gatedLoader();
  const get = () => cache.get('product', '1', ['product:1'], loader.load);
  const before = get(); // reads the row as it was
  cache.invalidateLocal(['product:1']); // a write lands while that load runs
  const after = get();
  assert.equal(loader.calls, 2, 'the later request loads again');
  loader.answer('"old"');
  loader.answer('"new"');
  assert.equal((await before).entry.body, '"old"');
  assert.equal((await after).entry.body, '"new"');
  const next = await get();
  assert.deepEqual(pick(next), ['"new"', 'l1'], 'only the value loaded after the write is kept');
});

function pick(l: { entry: { body: string }; source: string }): [string, string] {
  return [l.entry.body, l.source];
}
