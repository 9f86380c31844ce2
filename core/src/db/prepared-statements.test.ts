import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { isStalePlan, prepareStatementsOn, statementName } from './prepared-statements.ts';

type Sent = { config: Record<string, unknown>; values: unknown };
type Answer = (config: Record<string, unknown>) => Error | undefined;

/** A stand-in for a pg client: records what reaches the driver, answers in promise or callback form. */
function fakeClient(answer: Answer = () => undefined) {
  const sent: Sent[] = [];
  const connection = { parsedStatements: {} as Record<string, string> };
  let queue: Promise<unknown> = Promise.resolve();
  const client = {
    connection,
    query(config: unknown, values?: unknown, callback?: unknown) {
      const normal = (typeof config === 'string' ? { text: config } : config) as Record<string, unknown>;
      const cb = [values, callback].find((a) => typeof a === 'function') as
        | ((e: Error | null, r?: unknown) => void)
        | undefined;
      sent.push({ config: { ...normal }, values: Array.isArray(values) ? values : normal.values });
      const error = answer(normal);
      if (!error && typeof normal.name === 'string') connection.parsedStatements[normal.name] = String(normal.text);
      const result = { rows: [], sent: sent.length };
      // Answered in the order sent, as one connection does.
      const answered = queue.then(() => (error ? Promise.reject(error) : result));
      queue = answered.catch(() => {});
      if (!cb) return answered;
      answered.then((r) => cb(null, r), cb);
      return undefined;
    },
  };
  return { client, sent, connection };
}

const prepare = (client: unknown, max?: number) => prepareStatementsOn(client as pg.ClientBase, max);
const query = (client: { query: unknown }, ...args: unknown[]) =>
  (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
const staleError = () =>
  Object.assign(new Error('cached plan must not change result type'), { code: '0A000' }) as Error;

test('the name is stable per text, distinct between texts and fits NAMEDATALEN', () => {
  const a = statementName('select * from products where id = $1');
  assert.equal(a, statementName('select * from products where id = $1'));
  assert.notEqual(a, statementName('select * from products where id = $2'));
  assert.match(a, /^a_[0-9a-f]{40}$/);
  assert.ok(a.length <= 63);
});

test('parameterised queries are named, keeping rowMode, types and values; the caller object is untouched', async () => {
  const { client, sent } = fakeClient();
  prepare(client);
  const types = { getTypeParser: () => (v: string) => v };
  const drizzleConfig = { name: undefined, text: 'select id from products where id = $1', rowMode: 'array', types };
  const snapshot = { ...drizzleConfig };
  await query(client, drizzleConfig, [7]);
  assert.deepEqual(drizzleConfig, snapshot, 'not mutated, so a retry elsewhere sends it unnamed');
  assert.equal(sent[0]?.config.name, statementName(drizzleConfig.text));
  assert.equal(sent[0]?.config.rowMode, 'array');
  assert.equal(sent[0]?.config.types, types);
  assert.deepEqual(sent[0]?.values, [7]);

  // a string with values, and a config carrying its values
  await query(client, 'select 1 where $1::int = 1', [1]);
  await query(client, { text: 'select 2 where $1::int = 1', values: [1] });
  assert.equal(sent[1]?.config.name, statementName('select 1 where $1::int = 1'));
  assert.equal(sent[2]?.config.name, statementName('select 2 where $1::int = 1'));
});

test('left as the caller sent them: no values, an own name, a submittable, a callback in the config', async () => {
  const { client, sent } = fakeClient();
  prepare(client);
  const cases: Array<[string, unknown[]]> = [
    ['simple protocol, no values', ['select 1']],
    ['empty values', [{ text: 'select 1', values: [] }]],
    ["Drizzle's .prepare(name)", [{ text: 'select $1::int', name: 'mine' }, [1]]],
    ['submittable (cursor)', [{ text: 'select $1::int', submit: () => {} }, [1]]],
  ];
  for (const [what, args] of cases) {
    const before = sent.length;
    await query(client, ...args);
    const config = args[0] as Record<string, unknown> | string;
    const own = typeof config === 'string' ? undefined : config.name;
    assert.equal(sent[before]?.config.name, own, what);
  }
});

test('callback form (as pg-pool calls it) is named and answered through the callback', async () => {
  const { client, sent } = fakeClient();
  prepare(client);
  const result = await new Promise((resolve, reject) =>
    query(client, { text: 'select $1::int' }, [1], (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))),
  );
  assert.deepEqual(result, { rows: [], sent: 1 });
  assert.equal(sent[0]?.config.name, statementName('select $1::int'));
});

test('at most N names per connection; beyond, unnamed; known names stay named', async () => {
  const { client, sent } = fakeClient();
  prepare(client, 2);
  for (const n of [1, 2, 3, 1]) await query(client, `select ${n} where $1::int = 1`, [1]);
  assert.deepEqual(
    sent.map((s) => s.config.name !== undefined),
    [true, true, false, true],
  );
  // a second connection has its own budget
  const other = fakeClient();
  prepare(other.client, 2);
  await query(other.client, 'select 3 where $1::int = 1', [1]);
  assert.equal(other.sent[0]?.config.name, statementName('select 3 where $1::int = 1'));
});

for (const form of ['promise', 'callback'] as const) {
  test(`a stale plan (0A000) is retried once unnamed and the statement deallocated (${form} form)`, async () => {
    const text = 'select * from scratch where id = $1';
    const name = statementName(text);
    let stale = true;
    const { client, sent, connection } = fakeClient((config) =>
      config.name === name && stale ? staleError() : undefined,
    );
    connection.parsedStatements[name] = text; // prepared before the migration
    prepare(client);
    const run = (): Promise<unknown> =>
      form === 'promise'
        ? query(client, { text }, [1])
        : new Promise((resolve, reject) =>
            query(client, { text }, [1], (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))),
          );
    await run();
    assert.deepEqual(
      sent.map((s) => [s.config.text, s.config.name]),
      [
        [text, name],
        [`DEALLOCATE ${name}`, undefined],
        [text, undefined],
      ],
    );
    assert.equal(connection.parsedStatements[name], undefined, 'parsed again on next use');
    stale = false;
    await run();
    assert.equal(sent[3]?.config.name, name, 'prepared again against the new schema');
  });
}

test('other errors, including other 0A000, reach the caller unchanged and are not retried', async () => {
  const notSupported = Object.assign(new Error('cannot use FOR UPDATE here'), { code: '0A000' });
  const { client, sent } = fakeClient(() => notSupported);
  prepare(client);
  await assert.rejects(query(client, 'select $1::int for update', [1]), notSupported);
  assert.equal(sent.length, 1);
  assert.equal(isStalePlan(staleError()), true);
  assert.equal(isStalePlan(notSupported), false);
});
