import { z } from 'zod';
import { envInt } from '../config/env-types.ts';
import { ConfigError } from '../config/load-config.ts';

/**
 * OPS_PORT and OPS_HOST, the ops server's address, for an app's config shape. `serves` names what the
 * app adds to /livez, /readyz and /metrics there (docs/configuration.md shows it per app).
 */
export function opsConfigShape(defaultPort: number, serves: string) {
  return {
    OPS_PORT: envInt(defaultPort, 0, 65535).describe(
      `Port of the ops server: /livez, /readyz, /metrics${serves}; 0 picks a free one.`,
    ),
    OPS_HOST: z
      .string()
      .default('127.0.0.1')
      .describe('Interface of OPS_PORT: operations only, so loopback; 0.0.0.0 in a container (the image sets it).'),
  } satisfies Record<string, z.ZodType>;
}

/** Refuses one port for both servers of an app (0, a free port each, is fine). */
export function refuseSharedOpsPort(config: { PORT: number; OPS_PORT: number }): void {
  if (config.OPS_PORT !== 0 && config.OPS_PORT === config.PORT) {
    throw new ConfigError([`OPS_PORT: ${config.OPS_PORT} is PORT too; the ops server needs a port of its own`]);
  }
}
