// Proves, with model-based testing (fast-check commands) against a real API process and the real
// database: whatever users and an admin do, in any order — cart lines added, changed and removed,
// checkouts with and without an Idempotency-Key (some submitted several times at once), orders moved
// and cancelled (some cancels doubled), prices changed, stock adjusted or set with If-Match — every
// answer is the one the model predicts, and after every command the database holds: no negative stock;
// per product, stock + units in orders that are not cancelled = initial stock + admin adjustments (a
// cancel returns the units); one order per successful checkout; each order's total = the sum of its lines.
// Seeded (FUZZ_SEED, printed below) and bounded (FUZZ_RUNS sequences).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  type ApiProcess,
  closeDb,
  createBrand,
  createProduct,
  createUser,
  db,
  signInHttp,
  spawnApi,
} from '../support/api.ts';
import { fuzzRuns, fuzzSeed } from '../support/fuzz/seed.ts';
import { shopCommands } from '../support/fuzz/shop-commands.ts';
import { type ShopModel, type ShopReal, sameLines, showLines } from '../support/fuzz/shop-model.ts';

const seed = fuzzSeed(20_261_129);
const runs = fuzzRuns(120);
const USERS = 3;
const PRODUCTS = 3;
console.log(`fuzz-shop: seed ${seed}, ${runs} sequences (FUZZ_SEED=${seed} FUZZ_RUNS=${runs} repeats it)`);

let api: ApiProcess;
let brandId: number;
let userIds: number[];
let userTokens: string[];
let adminToken: string;

before(async () => {
  // Sequences are under test, not degradation: a Redis command may be slow on a busy machine.
  api = await spawnApi({ REDIS_COMMAND_TIMEOUT_MS: '5000' });
  brandId = (await createBrand()).id;
  // Signed in the way a client does (one-time code by mail, then verify); each run reuses the sessions.
  const users = await Promise.all(Array.from({ length: USERS }, () => createUser('customer')));
  userIds = users.map((u) => u.id);
  userTokens = [];
  for (const u of users) userTokens.push(await signInHttp(api.url, u.email));
  adminToken = await signInHttp(api.url, (await createUser('admin')).email);
});

after(async () => {
  await api?.stop();
  await closeDb();
});

/** Fresh products for a run, empty carts, and the order id the run's orders come after. */
async function setup(stocks: number[], prices: number[]): Promise<{ model: ShopModel; real: ShopReal }> {
  await db().query('DELETE FROM cart_items ci USING carts c WHERE c.id = ci.cart_id AND c.user_id = ANY($1)', [
    userIds,
  ]);
  const productIds: number[] = [];
  for (const [i, stock] of stocks.entries()) {
    productIds.push((await createProduct({ brandId, stock, priceCents: prices[i] ?? 100 })).id);
  }
  return {
    model: {
      stock: [...stocks],
      priceCents: [...prices],
      carts: userIds.map(() => new Map()),
      orders: [],
      keys: userIds.map(() => new Map()),
    },
    real: {
      url: api.url,
      userIds,
      userTokens,
      adminToken,
      productIds,
      initialStock: [...stocks],
      adjusted: stocks.map(() => 0),
    },
  };
}

/** The invariants, read from the primary; throws with every one that does not hold. */
async function invariants(model: ShopModel, real: ShopReal): Promise<void> {
  const problems: string[] = [];
  const products = await db().query<{ id: string; stock: number; held: string }>(
    `SELECT p.id, p.stock, coalesce(sum(oi.quantity) FILTER (WHERE o.status <> 'cancelled'), 0) AS held
     FROM products p LEFT JOIN order_items oi ON oi.product_id = p.id LEFT JOIN orders o ON o.id = oi.order_id
     WHERE p.id = ANY($1) GROUP BY p.id`,
    [real.productIds],
  );
  for (const row of products.rows) {
    const i = real.productIds.indexOf(Number(row.id));
    const ledger = (real.initialStock[i] ?? 0) + (real.adjusted[i] ?? 0);
    if (row.stock < 0) problems.push(`p${i}: negative stock ${row.stock}`);
    if (row.stock !== model.stock[i]) problems.push(`p${i}: stock ${row.stock}, model ${model.stock[i]}`);
    if (row.stock + Number(row.held) !== ledger) {
      problems.push(`p${i}: stock ${row.stock} + units in live orders ${row.held} ≠ initial + adjustments ${ledger}`);
    }
  }
  // Orders holding this run's products: exactly the model's (one per successful checkout).
  const orders = await db().query<{ id: string; status: string; total: string; subtotal: string; lines: string }>(
    `SELECT o.id, o.status, o.total_cents AS total, o.subtotal_cents AS subtotal,
            (SELECT coalesce(sum(quantity * unit_price_cents), 0) FROM order_items WHERE order_id = o.id) AS lines
     FROM orders o WHERE EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id AND oi.product_id = ANY($1))
     ORDER BY o.id`,
    [real.productIds],
  );
  if (orders.rows.length !== model.orders.length) {
    problems.push(`${orders.rows.length} orders in the database, ${model.orders.length} checkouts succeeded`);
  }
  for (const row of orders.rows) {
    const want = model.orders.find((o) => o.id === Number(row.id));
    if (!want) problems.push(`order ${row.id} is not one the model made`);
    else if (row.status !== want.status) problems.push(`order ${row.id}: status ${row.status}, model ${want.status}`);
    if (row.total !== row.lines || row.subtotal !== row.lines) {
      problems.push(`order ${row.id}: total ${row.total}, subtotal ${row.subtotal}, sum of lines ${row.lines}`);
    }
    if (want && Number(row.total) !== want.totalCents)
      problems.push(`order ${row.id}: total ${row.total}, model ${want.totalCents}`);
  }
  const carts = await db().query<{ user_id: string; product_id: string; quantity: number }>(
    `SELECT c.user_id, ci.product_id, ci.quantity FROM carts c JOIN cart_items ci ON ci.cart_id = c.id
     WHERE c.user_id = ANY($1)`,
    [real.userIds],
  );
  for (const [u, want] of model.carts.entries()) {
    const got = new Map(
      carts.rows
        .filter((r) => Number(r.user_id) === real.userIds[u])
        .map((r) => [real.productIds.indexOf(Number(r.product_id)), r.quantity]),
    );
    if (!sameLines(got, want)) problems.push(`u${u}: cart ${showLines(got)} in the database, model ${showLines(want)}`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** Commands run, by kind: reported, to show what the sequences exercised. */
const ran = new Map<string, number>();

/** Every command followed by the invariants, so a failure names the first command that broke one. */
const checked = (commands: ReturnType<typeof shopCommands>) =>
  commands.map((arb) =>
    arb.map((cmd) => ({
      check: cmd.check,
      run: async (m: ShopModel, r: ShopReal) => {
        await cmd.run(m, r);
        await invariants(m, r);
        const kind = cmd.toString().replace(/\(.*/, '');
        ran.set(kind, (ran.get(kind) ?? 0) + 1);
      },
      toString: () => cmd.toString(),
    })),
  );

test('shop sequences keep stock, orders, totals and carts as the model says', async (t) => {
  const stock = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: PRODUCTS, maxLength: PRODUCTS });
  const prices = fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: PRODUCTS, maxLength: PRODUCTS });
  await fc.assert(
    fc.asyncProperty(
      stock,
      prices,
      fc.commands(checked(shopCommands(USERS, PRODUCTS)), { maxCommands: 40, size: 'max' }),
      async (s, p, cmds) => {
        const start = await setup(s, p);
        await fc.asyncModelRun(() => start, cmds);
        await invariants(start.model, start.real);
        for (const o of start.model.orders) ran.set(`order ${o.status}`, (ran.get(`order ${o.status}`) ?? 0) + 1);
      },
    ),
    { seed, numRuns: runs },
  );
  t.diagnostic([...ran].map(([kind, n]) => `${kind}×${n}`).join(' '));
});

test('the sign-ins gave every user a working session', async () => {
  for (const token of [...userTokens, adminToken]) {
    const res = await fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  }
});
