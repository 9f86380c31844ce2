// Where the chaos stack lives: the variables scripts/stack/env.sh exports (scripts/chaos/run.sh sources
// it, the integration test inherits it from scripts/test/integration.sh), validated once. The ports the
// chaos run adds (second API, toxiproxy) are fixed offsets from the stack's base, so two stacks on two
// bases never collide.
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65_535);
const schema = z.object({
  AVELON_ROOT: z.string().min(1),
  AVELON_DATA_DIR: z.string().min(1),
  AVELON_PG_SOCKET_DIR: z.string().min(1),
  AVELON_PG_PRIMARY_PORT: port,
  AVELON_PG_REPLICA_PORT: port,
  AVELON_PGBOUNCER_PORT: port,
  AVELON_REDIS_CACHE_PORT: port,
  AVELON_REDIS_QUEUE_PORT: port,
  DATABASE_URL: z.string().min(1),
  DATABASE_REPLICA_URLS: z.string(),
  DATABASE_MIGRATION_URL: z.string().min(1),
  REDIS_CACHE_URL: z.string().min(1),
  REDIS_QUEUE_URL: z.string().min(1),
});

export type StackEnv = z.output<typeof schema> & {
  /** AVELON_PORT_BASE: the primary's port minus one (env.sh's layout). */
  base: number;
};

/** Reads the stack's variables; throws naming every missing one (run through scripts/chaos/run.sh). */
export function stackEnv(env: Record<string, string | undefined> = process.env): StackEnv {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`the stack's environment is missing (${keys}): run through scripts/chaos/run.sh (make chaos)`);
  }
  return { ...parsed.data, base: parsed.data.AVELON_PG_PRIMARY_PORT - 1 };
}

/** The ports a chaos run uses beside the stack's own (offsets from the base, above env.sh's +16). */
export function chaosPorts(base: number) {
  return {
    apis: [
      { port: base + 20, ops: base + 21 },
      { port: base + 22, ops: base + 23 },
    ],
    workerOps: base + 24,
    toxiproxyApi: base + 30,
    proxies: { pgbouncer: base + 31, replica: base + 32, 'redis-cache': base + 33, 'redis-queue': base + 34 },
  } as const;
}
