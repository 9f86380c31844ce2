import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { InvalidPolicyError } from '../errors.ts';
import { rulesOf } from './rules.ts';
import { type ScalingPolicySpec, scalingPolicySpecSchema } from './spec.ts';

/**
 * Validates a spec the way the apiserver would (schema, then the CEL rules' JS twins) and fills the
 * defaults, so a policy from a YAML file (standalone mode) or from the cluster is used the same way.
 * Every problem is reported at once.
 */
export function parsePolicySpec(raw: unknown, source = 'spec'): ScalingPolicySpec {
  const value = Value.Default(scalingPolicySpecSchema, Value.Clone(raw ?? {}));
  withBehaviorDefaults(value);
  const problems = [...Value.Errors(scalingPolicySpecSchema, value)].map(
    (e) => `${source}${e.path.replace(/\//g, '.') || ''}: ${e.message}`,
  );
  if (problems.length === 0) problems.push(...ruleProblems(scalingPolicySpecSchema, value, source));
  if (problems.length) throw new InvalidPolicyError(problems);
  return value as ScalingPolicySpec;
}

/** `behavior` is optional; its defaults apply all the same (the apiserver defaults it to {} too). */
function withBehaviorDefaults(value: unknown): void {
  if (value && typeof value === 'object' && !('behavior' in value)) {
    const props = (scalingPolicySpecSchema.properties.behavior as TSchema).properties as Record<string, TSchema>;
    (value as Record<string, unknown>).behavior = Object.fromEntries(
      Object.entries(props).map(([k, s]) => [k, (s as { default?: unknown }).default]),
    );
  }
}

/** Walks schema and value together and runs every rule attached on the way. */
function ruleProblems(schema: TSchema, value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  const out: string[] = [];
  for (const r of rulesOf(schema)) if (!r.check(value)) out.push(`${path}: ${r.message}`);
  const s = schema as { properties?: Record<string, TSchema>; items?: TSchema };
  if (s.properties && typeof value === 'object') {
    for (const [k, sub] of Object.entries(s.properties)) {
      out.push(...ruleProblems(sub, (value as Record<string, unknown>)[k], `${path}.${k}`));
    }
  }
  if (s.items && Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...ruleProblems(s.items, v, `${path}[${i}]`));
  }
  return out;
}
