// Proves: input Postgres cannot take (a NUL in any string, Infinity from 1e309 in any number) is refused
// with a 4xx and a code on every route, in every part of the request, before it reaches the database.
// The routes and their fields come from the OpenAPI document, so a new route is swept without a change here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeDb, createBrand, createProduct, createUser, startApp, type TestApp, tokenFor } from '../support/api.ts';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  default?: unknown;
  minimum?: number;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  items?: Schema;
}
interface Parameter {
  in: 'query' | 'path' | 'header';
  name: string;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json': { schema: Schema } } };
}

let t: TestApp;
let headers: Record<string, string>;
let productId: number;
before(async () => {
  t = await startApp();
  const admin = await createUser('admin');
  headers = { authorization: `Bearer ${await tokenFor(t.app, { id: admin.id, role: 'admin' })}` };
  productId = (await createProduct({ brandId: (await createBrand()).id })).id;
});
after(async () => {
  await t.close();
  await closeDb();
});

/** A value the schema accepts where it is easy to tell one (so the hostile field is what gets judged). */
function sample(schema: Schema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return sample(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return schema.minimum ?? productId;
  if (type === 'boolean') return true;
  if (type === 'array') return [];
  if (type === 'object') {
    return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(schema.properties?.[k] ?? {})]));
  }
  if (schema.format === 'email') return 'hostile@example.com';
  if (schema.format === 'uri') return 'https://example.com/x';
  return 'x1';
}

const NUL = 'a\u0000b';
const HUGE = '__HUGE__';

interface Case {
  label: string;
  url: string;
  query: Record<string, string>;
  body?: string;
}

function cases(path: string, op: Operation): Case[] {
  const params = op.parameters ?? [];
  const pathValues = Object.fromEntries(
    params.filter((p) => p.in === 'path').map((p) => [p.name, String(sample(p.schema))]),
  );
  const query = Object.fromEntries(
    params.filter((p) => p.in === 'query' && p.schema.default === undefined).map((p) => [p.name, '']),
  );
  const bodySchema = op.requestBody?.content['application/json'].schema;
  const body = bodySchema ? (sample(bodySchema) as Record<string, unknown>) : undefined;
  const url = (values: Record<string, string>) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  const out: Case[] = [];
  const bodyText = (value: Record<string, unknown> | undefined) =>
    value === undefined ? undefined : JSON.stringify(value).replace(`"${HUGE}"`, '1e309');
  for (const p of params) {
    for (const hostile of [NUL, '1e309', '-1e309']) {
      if (p.in === 'path')
        out.push({
          label: `path ${p.name}=${JSON.stringify(hostile)}`,
          url: url({ ...pathValues, [p.name]: hostile }),
          query: {},
          body: bodyText(body),
        });
      if (p.in === 'query')
        out.push({
          label: `query ${p.name}=${JSON.stringify(hostile)}`,
          url: url(pathValues),
          query: { [p.name]: hostile },
          body: bodyText(body),
        });
    }
  }
  for (const [name, schema] of Object.entries(bodySchema?.properties ?? {})) {
    const hostiles: unknown[] = [NUL, HUGE, [NUL], { [NUL]: 1 }];
    for (const hostile of hostiles) {
      out.push({
        label: `body ${name}=${JSON.stringify(hostile)} (${JSON.stringify(schema.type)})`,
        url: url(pathValues),
        query,
        body: bodyText({ ...body, [name]: hostile }),
      });
    }
  }
  for (const c of out) for (const [k, v] of Object.entries(c.query)) if (v === '') delete c.query[k];
  return out;
}

test('every route answers NUL bytes and out-of-range numbers with a 4xx and a code', async () => {
  const spec = t.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
  let swept = 0;
  const failures: string[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      for (const c of cases(path, op)) {
        const res = await t.app.inject({
          method: method.toUpperCase() as 'GET',
          url: c.url,
          query: c.query,
          headers: { ...headers, ...(c.body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(c.body === undefined ? {} : { payload: c.body }),
        });
        swept++;
        const code = res.statusCode < 500 && res.statusCode >= 400 ? res.json()?.error?.code : 'none';
        // 2xx is fine where the value is harmless (e.g. a NUL in an ignored optional field is still refused,
        // but "1e309" as a search term is a valid string); a 5xx or a 4xx without a code is not.
        if (res.statusCode >= 500 || (res.statusCode >= 400 && typeof code !== 'string')) {
          failures.push(`${method.toUpperCase()} ${c.url} ${c.label}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
        if (c.label.includes('\\u0000') && res.statusCode < 400) {
          failures.push(`${method.toUpperCase()} ${c.url} ${c.label}: accepted a NUL (${res.statusCode})`);
        }
      }
    }
  }
  assert.ok(swept > 100, `swept ${swept} requests`);
  assert.deepEqual(failures, []);
});

test('the reported cases: maxPrice=1e309 and a NUL in q are 400 API_ERR_VALIDATION', async () => {
  for (const url of ['/api/v1/products?maxPrice=1e309', '/api/v1/products?q=a%00b']) {
    const res = await t.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, 'API_ERR_VALIDATION');
  }
});
