import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Distinct statements one connection keeps prepared. pg remembers every parsed name per connection
 * for the connection's life (and the server keeps each statement with its cached plan), and some
 * texts are not a fixed set: `inArray` with a list of n values yields one text per n. Past the bound
 * a text goes unnamed, planned per query as before, instead of growing both without limit.
 */
export const MAX_PREPARED_PER_CONNECTION = 500;

type QueryFn = (...args: unknown[]) => unknown;
type Callback = (error: Error | null, result?: unknown) => void;
interface QueryConfigLike {
  text?: unknown;
  name?: unknown;
  values?: unknown;
  callback?: unknown;
  submit?: unknown;
}

// Hashing a 2 kB text costs a few µs; the same few hundred texts repeat, so their names are kept.
const names = new Map<string, string>();
const MAX_REMEMBERED_NAMES = 2000;

/** A stable statement name for a text: the same on every connection and process, within NAMEDATALEN (63). */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `a_${createHash('sha1').update(text).digest('hex')}`;
    if (names.size >= MAX_REMEMBERED_NAMES) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * "cached plan must not change result type": a prepared `SELECT *` (or RETURNING *) whose table gained
 * or lost a column since it was parsed. Postgres re-plans a prepared statement after DDL by itself but
 * refuses to change its result columns, so the statement stays broken until it is deallocated.
 */
export function isStalePlan(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === '0A000' && typeof e.message === 'string' && /cached plan must not change result type/.test(e.message)
  );
}

/**
 * Makes every parameterised query on this client a named prepared statement, so the server parses and
 * plans it once per connection and afterwards only binds and executes it. Only for direct connections
 * to Postgres: behind PgBouncer in transaction mode consecutive queries may land on different server
 * connections, where the name does not exist.
 *
 * - Only queries with values are named: those already use the extended protocol, so naming changes
 *   nothing but the reuse. Queries without values go by the simple protocol (one round trip, several
 *   statements allowed) and are often one-off texts with literals inlined.
 * - A query that already has a name (Drizzle's `.prepare(name)`), a submittable (cursor, stream) or a
 *   config with its own callback passes through unchanged.
 * - The caller's config object is never modified: the named query is a copy, so the same config sent
 *   afterwards to another pool (a failed replica read retried on the primary) is still unnamed there.
 * - A stale plan (isStalePlan, after a migration) is answered by the same query unnamed, and the
 *   statement is deallocated so that its next use prepares it again against the new schema.
 * New connections (after a replica restart, or pool churn) start with no statements and prepare each
 * text on its first use.
 */
export function prepareStatementsOn(client: pg.ClientBase, maxPerConnection = MAX_PREPARED_PER_CONNECTION): void {
  const query = client.query.bind(client) as QueryFn;
  const prepared = new Set<string>();
  // Names whose stale statement is being (or could not be) deallocated: unnamed meanwhile.
  const blocked = new Set<string>();
  // pg's record of the names parsed on this connection (not in its types).
  const connection = (client as unknown as { connection: { parsedStatements: Record<string, string> } }).connection;

  // `then` runs once the DEALLOCATE is answered: queued behind it instead, the retry would be a second
  // query on a busy client, which pg deprecates.
  const deallocate = (name: string, then: () => void) => {
    if (blocked.has(name)) return then();
    blocked.add(name);
    query(`DEALLOCATE ${name}`, (error: Error | null) => {
      // Failed (e.g. inside an aborted transaction): the server still holds the stale statement, so
      // the name stays unused on this connection rather than clash with it when parsed again.
      if (!error) {
        delete connection.parsedStatements[name];
        prepared.delete(name);
        blocked.delete(name);
      }
      then();
    });
  };

  (client as { query: unknown }).query = (...args: unknown[]) => {
    const name = nameFor(args, prepared, blocked, maxPerConnection);
    if (name === undefined) return query(...args);
    prepared.add(name);
    const config = args[0];
    const named = typeof config === 'string' ? { text: config, name } : { ...(config as object), name };
    const callbackAt = args.findIndex((a, i) => i > 0 && typeof a === 'function');
    if (callbackAt < 0) {
      return (query(named, ...args.slice(1)) as Promise<unknown>).catch((error: unknown) => {
        if (!isStalePlan(error)) throw error;
        return new Promise<void>((resolve) => deallocate(name, resolve)).then(() => query(...args));
      });
    }
    const callback = args[callbackAt] as Callback;
    const namedArgs = [named, ...args.slice(1)];
    namedArgs[callbackAt] = (error: Error | null, result?: unknown) => {
      if (!error || !isStalePlan(error)) return callback(error, result);
      deallocate(name, () => query(...args));
    };
    return query(...namedArgs);
  };
}

/** The name to send this query under, or undefined to send it as the caller gave it. */
function nameFor(
  args: unknown[],
  prepared: ReadonlySet<string>,
  blocked: ReadonlySet<string>,
  maxPerConnection: number,
): string | undefined {
  const [config, second] = args;
  if (config == null) return undefined;
  const object: QueryConfigLike = typeof config === 'string' ? { text: config } : (config as QueryConfigLike);
  if (typeof object.text !== 'string' || object.name || object.submit || object.callback) return undefined;
  const values = Array.isArray(second) ? second : object.values;
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const name = statementName(object.text);
  if (blocked.has(name)) return undefined;
  if (!prepared.has(name) && prepared.size >= maxPerConnection) return undefined;
  return name;
}
