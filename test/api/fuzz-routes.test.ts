// Proves: whatever is sent to any route of the API (found from the app itself, with its schemas, so a new
// route is fuzzed too) — hostile params, query strings, headers and bodies, as anonymous, user, admin or
// with a forged token — a real API process over real HTTP never answers 5xx, never leaves a request
// unanswered (a client-side limit turns a hang into a failure; nothing is timed), stays up (liveness is
// asked after every request), puts a registered `code` (with its registered status) in every 4xx, lets
// no unauthenticated request through a secured route, and changes nothing in the database when it
// refuses a request.
// Seeded (FUZZ_SEED, printed below) and bounded (FUZZ_RUNS per route), so a run is repeatable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { apiErrors } from '../../api/src/errors.ts';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createCategory,
  createProduct,
  createUser,
  db,
  spawnApi,
  startApp,
  tokenFor,
} from '../support/api.ts';
import { type DbState, dbChanges, dbState } from '../support/fuzz/db-digest.ts';
import { fuzzRegressions } from '../support/fuzz/regressions.ts';
import { type FuzzRequest, requestArb, toRaw } from '../support/fuzz/requests.ts';
import { captureRoutes, type FuzzRoute } from '../support/fuzz/routes.ts';
import { schemaArbitraries } from '../support/fuzz/schema-arbitraries.ts';
import { fuzzRuns, fuzzSeed } from '../support/fuzz/seed.ts';
import { type RawOutcome, rawRequest } from '../support/raw-http.ts';

const seed = fuzzSeed(20_261_129);
const runs = fuzzRuns(150);
/** Longer than any honest answer takes; reaching it is the failure "no answer", not a timing assertion. */
const ANSWER_LIMIT_MS = 10_000;
console.log(`fuzz-routes: seed ${seed}, ${runs} runs per route (FUZZ_SEED=${seed} FUZZ_RUNS=${runs} repeats it)`);

// Inputs are under test here, not degradation: on a busy machine a Redis command can take longer than
// the default 250 ms, and a session check that gives up answers 503 (as it should, tested elsewhere).
const patient = { REDIS_COMMAND_TIMEOUT_MS: '5000' };
const { result: inProcess, routes } = await captureRoutes(() => startApp(patient));
let api: ApiProcess;
let customer: { id: number; role: 'customer' };
let admin: { id: number; role: 'admin' };
let values: ReturnType<typeof schemaArbitraries>;
let dbBefore: DbState;

before(async () => {
  const brand = await createBrand();
  const parent = await createCategory();
  const child = await createCategory(parent.id);
  const products = [
    await createProduct({ brandId: brand.id, stock: 1000, categoryIds: [child.id] }),
    await createProduct({ brandId: brand.id, stock: 1000, priceCents: 99_999 }),
  ];
  customer = { id: (await createUser('customer')).id, role: 'customer' };
  admin = { id: (await createUser('admin')).id, role: 'admin' };
  api = await spawnApi(patient);
  const orders: number[] = [];
  for (const who of [customer, admin]) orders.push(await placeOrder(who, products[0]?.id ?? 0));
  values = schemaArbitraries([brand.id, parent.id, child.id, ...products.map((p) => p.id), ...orders, customer.id]);
  dbBefore = await dbState(db());
});

after(async () => {
  await api?.stop();
  await inProcess.close();
  await closeDb();
});

/** An order of `who` (a checkout over HTTP), so order routes have one to find. */
async function placeOrder(who: { id: number; role: 'customer' | 'admin' }, productId: number): Promise<number> {
  const headers = {
    authorization: `Bearer ${await tokenFor(inProcess.app, who)}`,
    'content-type': 'application/json',
  };
  const add = await fetch(`${api.url}/api/v1/cart/items`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ productId, quantity: 1 }),
  });
  assert.equal(add.status, 200, await add.text());
  const order = await fetch(`${api.url}/api/v1/orders`, {
    method: 'POST',
    headers: { authorization: headers.authorization },
  });
  const text = await order.text();
  assert.equal(order.status, 201, text);
  return (JSON.parse(text) as { id: number }).id;
}

const codes = new Set(Object.keys(apiErrors));

/** What is wrong with an answer, if anything (empty when it is fine). */
function problemsOf(route: FuzzRoute, req: FuzzRequest, outcome: RawOutcome): string[] {
  if (outcome.kind === 'hang') return [`no answer within ${ANSWER_LIMIT_MS} ms`];
  if (outcome.kind === 'closed') return [`connection closed without an answer (${outcome.error ?? 'no error'})`];
  const { status, body } = outcome;
  const problems: string[] = [];
  if (status >= 500) problems.push(`answered ${status}`);
  if (status >= 400 && status < 500 && req.method !== 'HEAD') {
    let code: unknown;
    try {
      code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    } catch {}
    if (typeof code !== 'string' || !codes.has(code)) problems.push(`${status} without a registered error code`);
    else if (apiErrors[code as keyof typeof apiErrors].status !== status) problems.push(`${code} sent with ${status}`);
  }
  const unauthenticated = req.identity === 'anonymous' || req.identity === 'forged';
  if (route.secured && unauthenticated && status < 400) problems.push(`${req.identity} request answered ${status}`);
  if (status < 300 && /root:x:0:0|"name": "avelon-platform"/.test(body))
    problems.push('served a file outside its folder');
  return problems;
}

/** Liveness after a request: the process still runs and answers. */
async function liveness(): Promise<string[]> {
  if (api.child.exitCode !== null) return [`the API process exited with ${api.child.exitCode}`];
  try {
    const res = await fetch(`${api.opsUrl}/livez`, { signal: AbortSignal.timeout(ANSWER_LIMIT_MS) });
    return res.status === 200 ? [] : [`liveness answered ${res.status}`];
  } catch (error) {
    return [`liveness did not answer: ${(error as Error).message}`];
  }
}

/** Answers per status of the current route, reported with it: shows how far requests got (2xx = past validation). */
let statuses = new Map<string, number>();

/** Sends one request and throws (with the answer) if any property does not hold. */
async function check(route: FuzzRoute, req: FuzzRequest): Promise<void> {
  const token =
    req.identity === 'user' || req.identity === 'admin'
      ? await tokenFor(inProcess.app, req.identity === 'user' ? customer : admin)
      : undefined;
  const outcome = await rawRequest(api.url, toRaw(req, token), ANSWER_LIMIT_MS);
  const problems = problemsOf(route, req, outcome);
  const seen = outcome.kind === 'response' ? String(outcome.status) : outcome.kind;
  statuses.set(seen, (statuses.get(seen) ?? 0) + 1);
  const { state, changed } = await dbChanges(db(), dbBefore);
  dbBefore = state;
  if (outcome.kind === 'response' && outcome.status >= 400 && changed.length > 0) {
    problems.push(`refused (${outcome.status}) but changed ${changed.join(', ')}`);
  }
  problems.push(...(await liveness()));
  if (problems.length > 0) {
    const answer = outcome.kind === 'response' ? `${outcome.status} ${outcome.body.slice(0, 300)}` : outcome.kind;
    throw new Error(`${problems.join('; ')}\nanswer: ${answer}`);
  }
}

test('the routes were found with their schemas', () => {
  assert.ok(routes.length >= 30, `found ${routes.length} routes`);
  assert.ok(routes.some((r) => r.body && r.secured));
});

// Each route its own seed (seed + its index), so routes with the same shape do not get the same requests.
for (const [i, route] of routes.entries()) {
  test(`fuzz ${route.method} ${route.url}`, async (t) => {
    if (api.child.exitCode !== null) api = await spawnApi(patient);
    statuses = new Map();
    await fc.assert(
      fc.asyncProperty(requestArb(route, values), (req) => check(route, req)),
      { seed: seed + i, numRuns: runs },
    );
    t.diagnostic(
      [...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
    );
  });
}

// Shrunk counterexamples of defects the fuzzing found, kept so they stay fixed whatever the seed.
for (const { name, route, request } of fuzzRegressions) {
  test(`regression: ${name}`, async () => {
    const found = routes.find((r) => `${r.method} ${r.url}` === route);
    assert.ok(found, `no route ${route}`);
    await check(found, request);
  });
}
