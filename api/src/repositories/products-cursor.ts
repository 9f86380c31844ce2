import { ApiError } from '../errors.ts';
import type { Sort } from '../routes/products/schemas.ts';

/** Keyset position: the sort key and the id of the last row of a page. */
export type Cursor =
  | { s: 'featured'; k: boolean; i: number }
  | { s: 'price_asc' | 'price_desc'; k: number; i: number }
  | { s: 'newest'; k: string; i: number };

// `created_at` as Postgres prints it in UTC with all 6 fractional digits: a JS Date would drop 3.
const newestKey = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor of `sort`, or API_ERR_BAD_CURSOR for anything this API did not issue for that sort. */
export function decodeCursor(raw: string, sort: Sort): Cursor {
  let c: { s?: unknown; k?: unknown; i?: unknown };
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString());
  } catch {
    throw new ApiError('API_ERR_BAD_CURSOR');
  }
  // Only the exact form this API issues: anything else could make Postgres fail to parse it (a 500).
  if (c === null || typeof c !== 'object' || c.s !== sort || !Number.isSafeInteger(c.i) || (c.i as number) <= 0) {
    throw new ApiError('API_ERR_BAD_CURSOR');
  }
  const i = c.i as number;
  const { k } = c;
  if (sort === 'featured' && typeof k === 'boolean') return { s: sort, k, i };
  if ((sort === 'price_asc' || sort === 'price_desc') && typeof k === 'number' && Number.isSafeInteger(k)) {
    return { s: sort, k, i };
  }
  if (sort === 'newest' && typeof k === 'string' && newestKey.test(k)) return { s: sort, k, i };
  throw new ApiError('API_ERR_BAD_CURSOR');
}
