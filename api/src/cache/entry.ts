import { createHash } from 'node:crypto';

/**
 * One cached value, already serialized: a hit writes `body` to the socket as it is (no JSON.stringify,
 * no schema serialization). A string rather than a Buffer: Node writes a string body together with
 * the headers in one write, a Buffer as a second chunk (writev), measurably slower on small bodies.
 * `absent` marks a remembered "no such row" (negative caching).
 */
export interface CacheEntry {
  readonly body: string;
  /** Strong ETag of `body`, quoted, computed once when the value was loaded. */
  readonly etag: string;
  /** When the value was read from the database (ms since epoch): TTLs count from here, in every tier. */
  readonly createdAt: number;
  readonly absent: boolean;
}

/** Builds an entry from a freshly loaded value (or `undefined` for an absent row). */
export function createEntry(json: string | undefined, now = Date.now()): CacheEntry {
  if (json === undefined) return { body: '', etag: '', createdAt: now, absent: true };
  return { body: json, etag: etagOf(json), createdAt: now, absent: false };
}

export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
}

interface Header {
  c: number;
  e: string;
  g: (string | null)[];
  a?: 1;
}

/**
 * The Redis form of an entry: one JSON header line (creation time, ETag, the tag generations it was
 * loaded under) and then the body bytes untouched, so decoding never re-parses the body.
 */
export function encodeL2(entry: CacheEntry, gens: readonly (string | null)[]): Buffer {
  const header: Header = { c: entry.createdAt, e: entry.etag, g: [...gens] };
  if (entry.absent) header.a = 1;
  return Buffer.from(`${JSON.stringify(header)}\n${entry.body}`);
}

export function decodeL2(raw: Buffer): { entry: CacheEntry; gens: (string | null)[] } | undefined {
  const nl = raw.indexOf(10);
  if (nl < 0) return undefined;
  try {
    const h = JSON.parse(raw.subarray(0, nl).toString()) as Header;
    if (typeof h.c !== 'number' || typeof h.e !== 'string' || !Array.isArray(h.g)) return undefined;
    const body = raw.subarray(nl + 1).toString();
    return { entry: { body, etag: h.e, createdAt: h.c, absent: h.a === 1 }, gens: h.g };
  } catch {
    return undefined;
  }
}
