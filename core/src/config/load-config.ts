import { z } from 'zod';
import { assertSupportedNode } from '../runtime/node-version.ts';

/** Every bad key of the environment at once, so one restart fixes them all. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type ConfigShape = Record<string, z.ZodType>;

/**
 * Validates the environment against a schema once, at start-up, and returns a frozen typed object.
 * Apps call this from their one `config.ts`, the only place that reads `process.env`.
 */
export function loadConfig<S extends ConfigShape>(
  shape: S,
  env: Record<string, string | undefined>,
): Readonly<z.output<z.ZodObject<S>>> {
  assertSupportedNode();
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return Object.freeze(result.data);
}

/** A documented option: its env name, default shown in docs/configuration.md, and one line of why. */
export interface OptionDoc {
  name: string;
  defaultValue: string;
  description: string;
}

/** Reads the docs of a config shape (the `.describe()` text and the default) for the generated docs. */
export function describeConfig(shape: ConfigShape): OptionDoc[] {
  return Object.entries(shape).map(([name, schema]) => {
    const parsed = schema.safeParse(undefined);
    const defaultValue = parsed.success && parsed.data !== undefined ? JSON.stringify(parsed.data) : '(required)';
    return { name, defaultValue, description: schema.description ?? '' };
  });
}
