import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../errors.ts';
import type { Sort } from '../routes/products/schemas.ts';
import { type Cursor, decodeCursor, encodeCursor } from './products-cursor.ts';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

test('a cursor decodes to what was encoded, for each sort', () => {
  const cases: Cursor[] = [
    { s: 'featured', k: true, i: 7 }, // featured rows first
    { s: 'featured', k: false, i: 1 }, // past the featured ones
    { s: 'price_asc', k: 0, i: 3 }, // a free product is still a key
    { s: 'price_desc', k: 2_147_483_647, i: 9 }, // the largest price
    { s: 'newest', k: '2026-11-30T02:17:00.123456Z', i: 42 }, // microseconds kept
  ];
  for (const c of cases) assert.deepEqual(decodeCursor(encodeCursor(c), c.s), c);
});

test('anything the API did not issue for this sort is API_ERR_BAD_CURSOR', () => {
  const cases: Array<[cursor: string, sort: Sort, why: string]> = [
    [raw({ s: 'featured', k: true, i: 7 }), 'newest', 'a cursor of another sort'],
    [raw({ s: 'featured', k: 'yes', i: 7 }), 'featured', 'featured key not a boolean'],
    [raw({ s: 'price_asc', k: 1.5, i: 7 }), 'price_asc', 'a price that is not an integer'],
    [raw({ s: 'price_desc', k: '100', i: 7 }), 'price_desc', 'a price as text'],
    [raw({ s: 'newest', k: '2026-11-30T02:17:00Z', i: 7 }), 'newest', 'a timestamp without microseconds'],
    [raw({ s: 'newest', k: "2026'; DROP TABLE products; --", i: 7 }), 'newest', 'not a timestamp at all'],
    [raw({ s: 'featured', k: true, i: 0 }), 'featured', 'id not positive'],
    [raw({ s: 'featured', k: true, i: 2 ** 53 }), 'featured', 'id beyond a safe integer'],
    [raw({ s: 'featured', k: true }), 'featured', 'no id'],
    [raw(null), 'featured', 'JSON null'],
    [raw([1, 2]), 'featured', 'a JSON array'],
    ['%%%', 'featured', 'not base64url'],
    [Buffer.from('{"s":').toString('base64url'), 'featured', 'truncated JSON'],
  ];
  for (const [cursor, sort, why] of cases) {
    assert.throws(
      () => decodeCursor(cursor, sort),
      (e: unknown) => e instanceof ApiError && e.code === 'API_ERR_BAD_CURSOR',
      why,
    );
  }
});
