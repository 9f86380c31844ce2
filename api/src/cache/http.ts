import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import type { CacheEntry } from './entry.ts';
import type { CacheSource } from './two-tier-cache.ts';

/**
 * Prepares the reply for a cached (or freshly loaded) entry and returns what to send: the stored bytes
 * as they are (no serializer), or nothing with a 304 when the client's If-None-Match already names
 * them. Cache-Control and ETag go on every 200/304; an absent entry is the resource's 404.
 *
 * Typed `never` so a handler can return it whatever its response schema says: the bytes were produced
 * by that schema's serializer when the entry was loaded.
 */
export function entryPayload(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: CacheEntry,
  source: CacheSource,
  cacheControl: string,
  what: string,
): never {
  reply.header('x-cache', source);
  if (entry.absent) throw new ApiError('API_ERR_NOT_FOUND', `${what} not found.`);
  reply.header('cache-control', cacheControl).header('etag', entry.etag);
  const inm = request.headers['if-none-match'];
  if (inm !== undefined && matchesEtag(inm, entry.etag)) {
    reply.code(304);
    return '' as never;
  }
  reply.header('content-type', 'application/json; charset=utf-8');
  return entry.body as never;
}

/** The synchronous fast path of a memory hit: the reply is sent before the handler returns. */
export function sendEntry(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: CacheEntry,
  source: CacheSource,
  cacheControl: string,
  what: string,
): void {
  reply.send(entryPayload(request, reply, entry, source, cacheControl, what));
}

/** If-None-Match: `*`, one tag, or a list; weak comparison (W/ prefixes are ignored), as RFC 9110 asks. */
export function matchesEtag(header: string, etag: string): boolean {
  if (header === etag || header === '*') return true;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === etag || tag === `W/${etag}`;
  });
}

/** The Cache-Control of public GETs: clients and CDNs revalidate with If-None-Match after `maxAge`. */
export function publicCacheControl(maxAgeSeconds: number): string {
  return maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'public, max-age=0, must-revalidate';
}

/** The route serializer's output as a string (what the cache stores). */
export function serialized(reply: FastifyReply, value: unknown): string {
  const out = reply.serialize(value);
  return typeof out === 'string' ? out : Buffer.from(out as ArrayBuffer).toString();
}
