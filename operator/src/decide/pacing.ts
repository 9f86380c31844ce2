import type { Memory } from './types.ts';

/** Field names, shared by actions, memory, status lines and events. */
export const field = {
  cpuTarget: (hpa: string) => `hpa/${hpa}.cpuTarget`,
  minReplicas: (hpa: string) => `hpa/${hpa}.minReplicas`,
  cacheTtl: (cls: string) => `cache/${cls}.ttl`,
};

/** True when `target` has not changed for at least `seconds` (the minimum interval per field). */
export function intervalPassed(memory: Memory, target: string, seconds: number, now: number): boolean {
  const last = memory.changedAt[target];
  return last === undefined || now - last >= seconds * 1000;
}

export const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/** Seconds since a memory timestamp (Infinity when unset). */
export const secondsSince = (since: number | undefined, now: number) =>
  since === undefined ? Number.POSITIVE_INFINITY : (now - since) / 1000;
