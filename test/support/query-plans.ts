// Helpers of the query-plan tests: every statement the app sends to one database, recorded at the
// node-postgres level (below Drizzle, any repository layer and the database router), and the JSON
// plans of those statements reduced to what a reader needs to see.
import pg from 'pg';

export interface CapturedQuery {
  /** What the test was doing when the statement was sent (e.g. "price_asc isAvailable deep"). */
  label: string;
  text: string;
  values: unknown[];
}

/** One node of `EXPLAIN (FORMAT JSON)`: the fields the tests read, and its children. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Total Cost': number;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/**
 * Records every statement sent on a pg.Client connected to `database`, under the label set last.
 * pg.Pool hands out pg.Client instances, and core's pools wrap `client.query` at connect time, so the
 * prototype is patched before the app makes its pools. `stop()` puts the original back.
 */
export function captureQueries(database: string) {
  const captured: CapturedQuery[] = [];
  let label: string | undefined;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    if (label !== undefined && this.database === database) {
      // query(text, values), query({ text, values }), or Drizzle's query({ text, rowMode }, values)
      const [first, second] = args;
      const config = (typeof first === 'string' ? { text: first } : first) as { text?: unknown; values?: unknown };
      const values = Array.isArray(second) ? second : Array.isArray(config?.values) ? config.values : [];
      if (typeof config?.text === 'string') captured.push({ label, text: config.text, values: [...values] });
    }
    return original.apply(this, args);
  };
  return {
    captured,
    /** Statements sent from now on are recorded under this label; undefined stops recording. */
    as(next: string | undefined) {
      label = next;
    },
    stop() {
      proto.query = original;
    },
  };
}

/** The plan Postgres picks for the statement with exactly these values (a custom plan, as pg gets). */
export async function explain(client: pg.ClientBase, text: string, values: unknown[]): Promise<PlanNode> {
  const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${text}`,
    values,
  );
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error(`no plan for ${text}`);
  return plan;
}

export function* planNodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* planNodes(child);
}

/** `Limit › Nested Loop(Index Only Scan product_categories_category_idx, Index Scan products_pkey)`. */
export function summarize(node: PlanNode): string {
  const target = node['Index Name'] ?? node['Relation Name'];
  const self = target ? `${node['Node Type']} ${target}` : node['Node Type'];
  const children = (node.Plans ?? []).map(summarize);
  if (children.length === 0) return self;
  if (children.length === 1) return `${self} › ${children[0]}`;
  return `${self}(${children.join(', ')})`;
}
