// Production mode: what a real installation must not inherit from a developer's machine.
import { z } from 'zod';
import { ConfigError } from './load-config.ts';

/** NODE_ENV of every app's config; the images set `production`. */
export const nodeEnvShape = {
  NODE_ENV: z
    .string()
    .default('development')
    .describe('`production` (the images set it) refuses to start with a development secret.'),
};

export const isProduction = (config: { NODE_ENV: string }): boolean => config.NODE_ENV === 'production';

/**
 * Throws a ConfigError naming every secret that still has its development default in production:
 * anyone can read that default in this repository and sign tokens or cookies with it.
 */
export function refuseDevelopmentSecrets(
  config: { NODE_ENV: string },
  secrets: Array<{ name: string; value: string; developmentDefault: string }>,
): void {
  if (!isProduction(config)) return;
  const problems = secrets
    .filter((s) => s.value === s.developmentDefault)
    .map((s) => `${s.name}: the development default is refused when NODE_ENV=production; set a secret of your own`);
  if (problems.length > 0) throw new ConfigError(problems);
}
