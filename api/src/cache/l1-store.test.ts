import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CacheEntry, createEntry } from './entry.ts';
import { type L1EvictionReason, L1Store, slotBytes, stringBytes, TAG_INDEX_BYTES } from './l1-store.ts';

const entry = (json = '{"a":1}') => createEntry(json);
const MiB = 1024 * 1024;

test('invalidating a tag drops exactly the entries that carry it', () => {
  const l1 = new L1Store({ maxBytes: MiB });
  const seq = l1.invalidationSeq;
  l1.set('p|1', entry(), ['product:1', 'brands'], seq);
  l1.set('p|2', entry(), ['product:2', 'brands'], seq);
  l1.invalidate(['product:1']);
  assert.equal(l1.get('p|1'), undefined);
  assert.ok(l1.get('p|2'));
  l1.invalidate(['brands']);
  assert.equal(l1.size, 0);
});

test('a value read before an invalidation of its tag is refused when stored after it', () => {
  const l1 = new L1Store({ maxBytes: MiB });
  const readAt = l1.invalidationSeq;
  l1.invalidate(['product:1']); // a write lands while the value is being loaded
  assert.equal(l1.set('p|1', entry(), ['product:1'], readAt), false);
  assert.equal(l1.set('p|2', entry(), ['product:2'], readAt), true, 'other tags are unaffected');
  assert.equal(l1.set('p|1', entry(), ['product:1'], l1.invalidationSeq), true, 'a read started after is fine');
});

test('clear refuses every value read before it', () => {
  const l1 = new L1Store({ maxBytes: MiB });
  const readAt = l1.invalidationSeq;
  l1.clear();
  assert.equal(l1.set('p|1', entry(), [], readAt), false);
});

test('string bytes: one per character when ASCII, two otherwise (as V8 stores them)', () => {
  const rows: [string, number][] = [
    ['', 0],
    ['{"a":1}', 7],
    ['{"name":"café"}', 30], // Latin-1 may be one byte a character in V8: counted high, never low
    ['{"sym":"€"}', 22],
  ];
  for (const [s, bytes] of rows) assert.equal(stringBytes(s), bytes, s);
});

test('byte accounting follows set, replace, delete, invalidate and clear', () => {
  const l1 = new L1Store({ maxBytes: MiB });
  const small = entry('{"a":1}');
  const large = entry(`{"b":"${'x'.repeat(500)}"}`);
  const set = (key: string, e: CacheEntry, tags: string[]) => () => l1.set(key, e, tags, l1.invalidationSeq);
  // Each step, then the slots that should be left: bytes = their slotBytes + one index Set per distinct tag.
  const steps: [string, () => void, [string, CacheEntry, string[]][]][] = [
    ['empty', () => {}, []],
    ['set a', set('a', small, ['t1', 'shared']), [['a', small, ['t1', 'shared']]]],
    [
      'set b, sharing a tag',
      set('b', large, ['t2', 'shared']),
      [
        ['a', small, ['t1', 'shared']],
        ['b', large, ['t2', 'shared']],
      ],
    ],
    [
      'replace b by a smaller value with fewer tags',
      set('b', small, ['shared']),
      [
        ['a', small, ['t1', 'shared']],
        ['b', small, ['shared']],
      ],
    ],
    ['delete a', () => l1.delete('a'), [['b', small, ['shared']]]],
    ['delete a missing key', () => l1.delete('nope'), [['b', small, ['shared']]]],
    [
      'set c',
      set('c', large, ['t3']),
      [
        ['b', small, ['shared']],
        ['c', large, ['t3']],
      ],
    ],
    ['invalidate shared', () => l1.invalidate(['shared']), [['c', large, ['t3']]]],
    [
      'set d without tags',
      set('d', small, []),
      [
        ['c', large, ['t3']],
        ['d', small, []],
      ],
    ],
    ['clear', () => l1.clear(), []],
  ];
  for (const [name, act, slots] of steps) {
    act();
    const tags = new Set(slots.flatMap(([, , t]) => t));
    const want = slots.reduce((sum, [k, e, t]) => sum + slotBytes(k, e, t), tags.size * TAG_INDEX_BYTES);
    assert.equal(l1.bytes, want, name);
    assert.equal(l1.size, slots.length, `${name}: size`);
    for (const [k, e] of slots) assert.equal(l1.get(k)?.entry, e, `${name}: ${k}`);
  }
  assert.deepEqual(l1.evictions, { size: 0, oversize: 0 }, 'invalidations and replacements are not evictions');
});

/** A store that fits exactly `n` untagged entries of `entry()` under keys of one character. */
const storeOf = (n: number, onEvict?: (r: L1EvictionReason) => void) => {
  const maxBytes = n * slotBytes('k', entry(), []);
  return new L1Store({ maxBytes, maxEntryBytes: maxBytes, onEvict });
};

test('eviction: oldest first, but a slot read since the hand last passed gets a second chance', () => {
  const rows: { name: string; ops: string; left: string }[] = [
    // s<k> stores k, g<k> reads k; room for 3.
    { name: 'FIFO without reads', ops: 'sa sb sc sd', left: 'bcd' },
    { name: 'a read spares the oldest once', ops: 'sa sb sc ga sd', left: 'acd' },
    { name: 'the spared slot goes later if not read again', ops: 'sa sb sc ga sd se sf', left: 'def' },
    { name: 'all read: one full turn, then oldest', ops: 'sa sb sc ga gb gc sd', left: 'bcd' },
    { name: 'replacing a key does not evict', ops: 'sa sb sc sa sb', left: 'abc' },
    { name: 'a miss sets nothing', ops: 'sa sb sc gz sd', left: 'bcd' },
  ];
  for (const { name, ops, left } of rows) {
    const l1 = storeOf(3);
    for (const op of ops.split(' ')) {
      const key = op.slice(1);
      if (op[0] === 's') l1.set(key, entry(), [], l1.invalidationSeq);
      else l1.get(key);
    }
    const kept = [...'abcdefz'].filter((k) => l1.get(k) !== undefined).join('');
    assert.equal(kept, left, name);
    assert.ok(l1.bytes <= 3 * slotBytes('k', entry(), []), `${name}: within budget`);
  }
});

test('an entry over 1/16 of the budget is not kept, and replaces nothing stale', () => {
  const reasons: L1EvictionReason[] = [];
  const l1 = new L1Store({ maxBytes: 16_000, onEvict: (r) => reasons.push(r) });
  assert.equal(l1.set('a', entry(), [], 0), true);
  assert.equal(l1.set('a', entry(`"${'x'.repeat(1000)}"`), [], 0), false);
  assert.equal(l1.get('a'), undefined, 'the older value under the key is gone too');
  assert.equal(l1.bytes, 0);
  assert.deepEqual(reasons, ['oversize']);
  assert.deepEqual(l1.evictions, { size: 0, oversize: 1 });
});

test('evictions are counted by reason and reported to the callback', () => {
  const reasons: L1EvictionReason[] = [];
  const l1 = storeOf(2, (r) => reasons.push(r));
  for (const k of 'abcd') l1.set(k, entry(), [], l1.invalidationSeq);
  l1.invalidate([]);
  assert.deepEqual(reasons, ['size', 'size']);
  assert.deepEqual(l1.evictions, { size: 2, oversize: 0 });
});

test('a budget of 0 stores nothing and counts nothing', () => {
  const l1 = new L1Store({ maxBytes: 0 });
  assert.equal(l1.set('a', entry(), [], 0), false);
  assert.deepEqual(l1.evictions, { size: 0, oversize: 0 });
});

test('on a Zipf(1) stream, CLOCK keeps at least the hit ratio of FIFO', (t) => {
  const keys = 50_000;
  const room = 10_000;
  const requests = 300_000;
  // Zipf(1): key i (from 1) drawn with probability proportional to 1/i; inverse CDF by binary search.
  const cdf = new Float64Array(keys);
  let sum = 0;
  for (let i = 0; i < keys; i++) cdf[i] = sum += 1 / (i + 1);
  let seed = 42;
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0; // deterministic LCG
    return seed / 2 ** 32;
  };
  const draw = () => {
    const u = random() * sum;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? sum) < u) lo = mid + 1;
      else hi = mid;
    }
    return `k${String(lo).padStart(5, '0')}`; // equal lengths: every slot costs the same
  };
  const stream = Array.from({ length: requests }, draw);
  const value = entry();

  const clock = new L1Store({ maxBytes: room * slotBytes('k00000', value, []) });
  let clockHits = 0;
  for (const key of stream) {
    if (clock.get(key)) clockHits++;
    else clock.set(key, value, [], clock.invalidationSeq);
  }
  assert.equal(clock.size, room);

  // The former policy: first in, first out, reads change nothing.
  const fifo = new Set<string>();
  let fifoHits = 0;
  for (const key of stream) {
    if (fifo.has(key)) fifoHits++;
    else {
      if (fifo.size >= room) fifo.delete(fifo.values().next().value as string);
      fifo.add(key);
    }
  }
  const ratio = (hits: number) => (hits / requests).toFixed(3);
  t.diagnostic(`hit ratio: FIFO ${ratio(fifoHits)}, CLOCK ${ratio(clockHits)}`);
  assert.ok(clockHits >= fifoHits, `CLOCK ${ratio(clockHits)} < FIFO ${ratio(fifoHits)}`);
});
