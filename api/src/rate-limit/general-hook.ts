import { isIPv6 } from 'node:net';
import type { onRequestHookHandler } from 'fastify';
import { Address6 } from 'ip-address';
import { ApiError } from '../errors.ts';
import type { BatchedRedisStore } from './batched-store.ts';

/**
 * A client's bucket, as @fastify/rate-limit keys it: the IPv4 address, an IPv4-mapped IPv6 address as
 * IPv4, and an IPv6 address by its /64 (one subscriber's whole range, so rotating addresses within it
 * does not escape the limit).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  if (!isIPv6(ip)) return ip.toLowerCase();
  const address = new Address6(ip);
  if (address.isMapped4()) return address.to4().correctForm();
  return new Address6(`${ip}/64`).startAddress().correctForm();
}

export interface GeneralLimitOptions {
  store: BatchedRedisStore;
  max: number;
  windowMs: number;
  /** Requests that are not a client's (the cache warmer's own). */
  skip: (request: Parameters<onRequestHookHandler>[0]) => boolean;
  onExceeded: () => void;
}

/**
 * The general limit as a callback hook on every route. The batched store decides in process and answers
 * synchronously, so the common case costs a map lookup and three headers: no promise, no await. The
 * plugin's own global hook awaits the key, the allow list and the store on every request, which cost a
 * cached read about a fifth of its throughput (docs/benchmarks.md); its specific limits (createRateLimit)
 * are still used for sign-in, checkout and writes. Same headers, status and codes as the plugin's.
 */
export function generalLimitHook(o: GeneralLimitOptions): onRequestHookHandler {
  const { store, max, windowMs } = o;
  return (request, reply, done) => {
    if (o.skip(request)) return done();
    store.incr(
      clientKey(request.ip),
      (error, result) => {
        // The store fails only when Redis is down and the policy is fail-closed: a 503 with its code.
        if (error || !result) return done(error ?? new ApiError('API_ERR_UNAVAILABLE'));
        const resetSeconds = Math.ceil(result.ttl / 1000);
        reply
          .header('x-ratelimit-limit', max)
          .header('x-ratelimit-remaining', Math.max(0, max - result.current))
          .header('x-ratelimit-reset', resetSeconds);
        if (result.current <= max) return done();
        o.onExceeded();
        done(
          new ApiError('API_ERR_RATE_LIMITED', `Rate limit exceeded, retry in ${resetSeconds} s.`, {
            headers: { 'retry-after': String(resetSeconds) },
          }),
        );
      },
      windowMs,
      max,
    );
  };
}
