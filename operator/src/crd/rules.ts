import type { TSchema } from '@sinclair/typebox';

/**
 * A cross-field rule stated twice on purpose, side by side: as CEL for the apiserver (it lands in the
 * CRD as `x-kubernetes-validations`) and as a JS predicate for the places no apiserver checks a spec
 * (standalone mode's YAML file, the simulator). Keeping both in one object keeps them in step.
 */
export interface Rule<T> {
  /** CEL, evaluated by the apiserver with `self` bound to the object the rule sits on. */
  readonly rule: string;
  /** What the apiserver (and the standalone loader) says when the rule fails. */
  readonly message: string;
  /** The same rule in JS, for validation outside a cluster. */
  readonly check: (self: T) => boolean;
}

/** Where the JS predicates hide on a schema: a symbol, so JSON output never sees them. */
export const ruleChecks: unique symbol = Symbol.for('avelon.operator.ruleChecks');

type WithRules = TSchema & { [ruleChecks]?: Rule<never>[] };

/** Attaches rules to a schema: CEL into `x-kubernetes-validations`, predicates under {@link ruleChecks}. */
export function withRules<S extends TSchema>(schema: S, rules: Rule<S['static']>[]): S {
  const target = schema as WithRules;
  target['x-kubernetes-validations'] = rules.map(({ rule, message }) => ({ rule, message }));
  target[ruleChecks] = rules as Rule<never>[];
  return schema;
}

/** The rules attached to one schema node, if any. */
export function rulesOf(schema: TSchema): readonly Rule<unknown>[] {
  return ((schema as WithRules)[ruleChecks] ?? []) as Rule<unknown>[];
}

/** `min <= max` on a `{min, max}` bounds object, the commonest rule of the spec. */
export const minNotAboveMax = (what: string): Rule<{ min: number; max: number }> => ({
  rule: 'self.min <= self.max',
  message: `${what}: min must not exceed max`,
  check: (self) => self.min <= self.max,
});
