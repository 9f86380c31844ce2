import { z } from 'zod';

/** Environment values are strings; these parse them into the types the code wants. */
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const envBool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const envUrl = (fallback: string) => z.url().default(fallback);

/** A comma-separated list of strings, trimmed, empties dropped; empty means none. */
export const envList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** A comma-separated list of URLs; empty means none. */
export const envUrlList = (fallback: string) => envList(fallback).pipe(z.array(z.url()));

/** pino's levels; each app says in its describe() what its `info` logs. */
export const envLogLevel = (fallback: 'info' | 'warn' = 'info') =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(fallback);
