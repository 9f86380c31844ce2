// What the integration tests know about the stack they run against: its URLs (from the environment
// that scripts/test/integration.sh exports from scripts/stack/env.sh) and how to stop or start one
// of its parts for fault tests.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { databaseConfigShape, loadConfig, redisConfigShape } from '@avelon/core';
import { z } from 'zod';

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const stack = loadConfig(
  {
    ...databaseConfigShape,
    ...redisConfigShape,
    AVELON_PG_SOCKET_DIR: z.string().min(1),
    AVELON_PG_PRIMARY_PORT: z.coerce.number().int(),
    AVELON_PG_REPLICA_PORT: z.coerce.number().int(),
    AVELON_PGBOUNCER_PORT: z.coerce.number().int(),
    AVELON_SMTP_PORT: z.coerce.number().int(),
    AVELON_DATA_DIR: z.string().min(1),
  },
  process.env,
);

export type StackPart = 'primary' | 'replica' | 'pgbouncer' | 'redis-cache' | 'redis-queue';

/** Stops or starts one part of the running stack (scripts/stack/ctl.sh). */
export async function stackCtl(part: StackPart, action: 'start' | 'stop'): Promise<void> {
  await run('bash', [`${repoRoot}/scripts/stack/ctl.sh`, part, action], { env: process.env });
}

/** A superuser connection string over the stack's Unix socket (trust auth), for test-only powers. */
export function superuserUrl(port: number, database = 'avelon'): string {
  return `postgres://postgres@${encodeURIComponent(stack.AVELON_PG_SOCKET_DIR)}:${port}/${database}`;
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what` in the message. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
