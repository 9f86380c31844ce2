/**
 * The shape of one metric definition. Definitions live in definitions/, one file per area, and are
 * merged into the catalog.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets?: readonly number[];
}

/** Keeps each definition's literal types (name, labels) while checking it against MetricDef. */
export const defineMetric = <T extends MetricDef>(d: T): T => d;
