// The commands of the shop's model-based test: what users and an admin do over HTTP, each checking the
// answer against the model and then updating the model. Invariants over the database are checked after
// every command by the test itself (test/api/fuzz-shop.test.ts).
import fc from 'fast-check';
import {
  type Answer,
  allowedFrom,
  call,
  cartOf,
  expectStatus,
  holdsStock,
  type ModelOrder,
  newKey,
  type OrderStatus,
  type ShopModel,
  type ShopReal,
  sameLines,
  showLines,
} from './shop-model.ts';

type Cmd = fc.AsyncCommand<ShopModel, ShopReal>;

/** A command: its name (shown in counterexamples), what it does, and when it may run. */
const command = (
  name: string,
  run: (m: ShopModel, r: ShopReal) => Promise<void>,
  check: (m: Readonly<ShopModel>) => boolean = () => true,
): Cmd => ({ check, run, toString: () => name });

function expectCart(name: string, real: ShopReal, answer: Answer, model: ShopModel, user: number): void {
  expectStatus(name, answer, 200);
  const got = cartOf(real, answer.body);
  const want = model.carts[user] ?? new Map();
  if (!sameLines(got, want)) throw new Error(`${name}: cart ${showLines(got)}, model ${showLines(want)}`);
  for (const item of answer.body.items as Array<{ productId: number; unitPriceCents: number }>) {
    const price = model.priceCents[real.productIds.indexOf(item.productId)];
    if (item.unitPriceCents !== price) throw new Error(`${name}: unit price ${item.unitPriceCents}, model ${price}`);
  }
}

function addLine(user: number, product: number, quantity: number): Cmd {
  const name = `add(u${user}, p${product}, ${quantity})`;
  return command(name, async (m, r) => {
    const answer = await call(r, r.userTokens[user] ?? '', 'POST', '/cart/items', {
      productId: r.productIds[product],
      quantity,
    });
    const cart = m.carts[user] ?? new Map<number, number>();
    cart.set(product, Math.min((cart.get(product) ?? 0) + quantity, 99));
    expectCart(name, r, answer, m, user);
  });
}

function setLine(user: number, product: number, quantity: number): Cmd {
  const name = `set(u${user}, p${product}, ${quantity})`;
  return command(name, async (m, r) => {
    const answer = await call(r, r.userTokens[user] ?? '', 'PATCH', `/cart/items/${r.productIds[product]}`, {
      quantity,
    });
    const cart = m.carts[user] ?? new Map<number, number>();
    if (!cart.has(product)) return expectStatus(name, answer, 404, 'API_ERR_NOT_FOUND');
    cart.set(product, quantity);
    expectCart(name, r, answer, m, user);
  });
}

function removeLine(user: number, product: number): Cmd {
  const name = `remove(u${user}, p${product})`;
  return command(name, async (m, r) => {
    const answer = await call(r, r.userTokens[user] ?? '', 'DELETE', `/cart/items/${r.productIds[product]}`);
    const cart = m.carts[user] ?? new Map<number, number>();
    if (!cart.has(product)) return expectStatus(name, answer, 404, 'API_ERR_NOT_FOUND');
    cart.delete(product);
    expectCart(name, r, answer, m, user);
  });
}

/** One checkout, submitted `copies` times at once, with one Idempotency-Key for all, or none. */
function checkout(user: number, copies: number, keyed: 'none' | 'new' | 'reuse'): Cmd {
  const name = `checkout(u${user}, ×${copies}, key ${keyed})`;
  return command(name, async (m, r) => {
    const known = [...(m.keys[user]?.keys() ?? [])];
    const key = keyed === 'none' ? undefined : keyed === 'reuse' && known.length > 0 ? known[0] : newKey();
    const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
    const token = r.userTokens[user] ?? '';
    const answers = await Promise.all(
      Array.from({ length: copies }, () => call(r, token, 'POST', '/orders', undefined, headers)),
    );
    const earlier = key === undefined ? undefined : m.keys[user]?.get(key);
    if (earlier !== undefined) {
      // A key already used: every copy replays the first order and nothing else happens.
      for (const a of answers) {
        expectStatus(name, a, 200);
        if (a.body.id !== m.orders[earlier]?.id) throw new Error(`${name}: replayed order ${a.body.id}`);
      }
      return;
    }
    const cart = m.carts[user] ?? new Map<number, number>();
    if (cart.size === 0) {
      for (const a of answers) expectStatus(name, a, 409, 'API_ERR_CART_EMPTY');
      return;
    }
    if ([...cart].some(([p, q]) => q > (m.stock[p] ?? 0))) {
      for (const a of answers) expectStatus(name, a, 409, 'API_ERR_OUT_OF_STOCK');
      return;
    }
    const created = answers.filter((a) => a.status === 201);
    if (created.length !== 1)
      throw new Error(`${name}: ${created.length} orders created, answers ${statuses(answers)}`);
    const order = (created[0] as Answer).body as unknown as CreatedOrder;
    for (const a of answers) {
      if (a === created[0]) continue;
      if (key) expectStatus(name, a, 200);
      else expectStatus(name, a, 409, 'API_ERR_CART_EMPTY');
      if (key && a.body.id !== order.id)
        throw new Error(`${name}: replay answered order ${a.body.id}, not ${order.id}`);
    }
    accept(name, m, r, user, order);
    if (key) m.keys[user]?.set(key, m.orders.length - 1);
  });
}

interface CreatedOrder {
  id: number;
  totalCents: number;
  items: Array<{ productId: number; quantity: number }>;
}

/** A created order must be the user's cart at current prices; the model then takes its units and empties the cart. */
function accept(name: string, m: ShopModel, r: ShopReal, user: number, order: CreatedOrder): void {
  const cart = m.carts[user] ?? new Map<number, number>();
  const totalCents = [...cart].reduce((sum, [p, q]) => sum + (m.priceCents[p] ?? 0) * q, 0);
  const lines = new Map(order.items.map((i) => [r.productIds.indexOf(i.productId), i.quantity]));
  if (!sameLines(lines, cart)) throw new Error(`${name}: order lines ${showLines(lines)}, cart ${showLines(cart)}`);
  if (order.totalCents !== totalCents) throw new Error(`${name}: total ${order.totalCents}, model ${totalCents}`);
  for (const [p, q] of cart) m.stock[p] = (m.stock[p] ?? 0) - q;
  m.orders.push({ user, id: order.id, status: 'pending', lines: new Map(cart), totalCents });
  cart.clear();
}

/**
 * Two users check out at the same moment, maybe competing for the last units. Either may win; what
 * must hold: together they never take more than the stock, and a refusal for stock is one that no
 * order of the two checkouts could have avoided.
 */
function race(a: number, b: number): Cmd {
  const name = `race(u${a}, u${b})`;
  return command(
    name,
    async (m, r) => {
      const users = [a, b];
      const answers = await Promise.all(users.map((u) => call(r, r.userTokens[u] ?? '', 'POST', '/orders')));
      const won = users.filter((_, i) => answers[i]?.status === 201);
      const taken = new Map<number, number>();
      for (const u of won) for (const [p, q] of m.carts[u] ?? []) taken.set(p, (taken.get(p) ?? 0) + q);
      for (const [p, q] of taken) if (q > (m.stock[p] ?? 0)) throw new Error(`${name}: p${p} oversold, ${q} taken`);
      for (const [i, u] of users.entries()) {
        const answer = answers[i] as Answer;
        const cart = m.carts[u] ?? new Map<number, number>();
        if (cart.size === 0) expectStatus(`${name} u${u}`, answer, 409, 'API_ERR_CART_EMPTY');
        else if (answer.status !== 201) {
          expectStatus(`${name} u${u}`, answer, 409, 'API_ERR_OUT_OF_STOCK');
          // At most what the other took can have been gone when this one ran.
          const short = [...cart].some(([p, q]) => q > (m.stock[p] ?? 0) - (taken.get(p) ?? 0));
          if (!short) throw new Error(`${name}: u${u} refused for stock that was there (${showLines(cart)})`);
        }
      }
      for (const [i, u] of users.entries()) {
        const answer = answers[i] as Answer;
        if (answer.status === 201) accept(`${name} u${u}`, m, r, u, answer.body as unknown as CreatedOrder);
      }
    },
    () => a !== b,
  );
}
const statuses = (answers: Answer[]) => answers.map((a) => a.status).join(',');

/** An admin moves an order (the `nth`, modulo how many exist), `copies` times at once. */
function moveOrder(nth: number, next: OrderStatus, copies: number): Cmd {
  const name = `move(order ${nth}, ${next}, ×${copies})`;
  return command(
    name,
    async (m, r) => {
      const order = m.orders[nth % m.orders.length] as ModelOrder;
      const answers = await Promise.all(
        Array.from({ length: copies }, () =>
          call(r, r.adminToken, 'PATCH', `/admin/orders/${order.id}`, { status: next }),
        ),
      );
      const allowed = order.status === next || allowedFrom[next].includes(order.status);
      for (const a of answers) {
        if (allowed) expectStatus(name, a, 200);
        else expectStatus(name, a, 409, 'API_ERR_INVALID_TRANSITION');
      }
      if (!allowed || order.status === next) return;
      // Cancelling an order that still holds its units puts them back on the shelf, once.
      if (next === 'cancelled' && holdsStock.has(order.status)) {
        for (const [p, q] of order.lines) m.stock[p] = (m.stock[p] ?? 0) + q;
      }
      order.status = next;
    },
    (m: Readonly<ShopModel>) => m.orders.length > 0,
  );
}

function setPrice(product: number, priceCents: number): Cmd {
  const name = `price(p${product}, ${priceCents})`;
  return command(name, async (m, r) => {
    const answer = await call(r, r.adminToken, 'PATCH', `/admin/products/${r.productIds[product]}`, {
      priceCents,
    });
    expectStatus(name, answer, 200);
    m.priceCents[product] = priceCents;
  });
}

/** A relative stock change (goods received, or removed); below zero is refused and changes nothing. */
function adjustStock(product: number, delta: number): Cmd {
  const name = `adjust(p${product}, ${delta})`;
  return command(name, async (m, r) => {
    const answer = await call(r, r.adminToken, 'PATCH', `/admin/products/${r.productIds[product]}/stock`, {
      delta,
    });
    const stock = m.stock[product] ?? 0;
    if (stock + delta < 0) return expectStatus(name, answer, 409, 'API_ERR_STOCK_BELOW_ZERO');
    expectStatus(name, answer, 200);
    m.stock[product] = stock + delta;
    r.adjusted[product] = (r.adjusted[product] ?? 0) + delta;
  });
}

/**
 * An absolute stock, with If-Match from a fresh read (applied), without one (428) or with a tag that
 * never matched (412); the refused ones change nothing.
 */
function setStock(product: number, stock: number, ifMatch: 'fresh' | 'none' | 'stale'): Cmd {
  const name = `stock(p${product}, =${stock}, if-match ${ifMatch})`;
  return command(name, async (m, r) => {
    const id = r.productIds[product];
    let headers: Record<string, string> = {};
    if (ifMatch === 'fresh') {
      const read = await call(r, r.adminToken, 'GET', `/products/${id}`);
      expectStatus(`${name} (read)`, read, 200);
      headers = { 'if-match': read.headers.get('etag') ?? '' };
    } else if (ifMatch === 'stale') headers = { 'if-match': '"never-issued"' };
    const answer = await call(r, r.adminToken, 'PATCH', `/admin/products/${id}`, { stock }, headers);
    if (ifMatch === 'none') return expectStatus(name, answer, 428, 'API_ERR_PRECONDITION_REQUIRED');
    if (ifMatch === 'stale') return expectStatus(name, answer, 412, 'API_ERR_PRECONDITION_FAILED');
    expectStatus(name, answer, 200);
    r.adjusted[product] = (r.adjusted[product] ?? 0) + stock - (m.stock[product] ?? 0);
    m.stock[product] = stock;
  });
}

/**
 * Every command, for `users` users and `products` products, weighted so that carts fill, checkouts
 * succeed and orders then move (a uniform pick would mostly check out empty carts).
 */
export function shopCommands(users: number, products: number): Array<fc.Arbitrary<Cmd>> {
  const user = fc.nat({ max: users - 1 });
  const product = fc.nat({ max: products - 1 });
  const quantity = fc.integer({ min: 1, max: 4 });
  const keyed = fc.constantFrom('none', 'new', 'reuse') as fc.Arbitrary<'none' | 'new' | 'reuse'>;
  const status = fc.constantFrom<OrderStatus>('paid', 'shipped', 'delivered', 'cancelled');
  const ifMatch = fc.constantFrom('fresh', 'none', 'stale') as fc.Arbitrary<'fresh' | 'none' | 'stale'>;
  // Weight, then the command: carts fill often and orders get made, so there is something to move.
  const table: Array<[number, fc.Arbitrary<Cmd>]> = [
    [4, fc.tuple(user, product, quantity).map(([u, p, q]) => addLine(u, p, q))],
    [1, fc.tuple(user, product, quantity).map(([u, p, q]) => setLine(u, p, q))],
    [1, fc.tuple(user, product).map(([u, p]) => removeLine(u, p))],
    [3, fc.tuple(user, fc.integer({ min: 1, max: 3 }), keyed).map(([u, c, k]) => checkout(u, c, k))],
    [2, fc.tuple(user, user).map(([a, b]) => race(a, b))],
    [3, fc.tuple(fc.nat(), status, fc.integer({ min: 1, max: 2 })).map(([o, s, c]) => moveOrder(o, s, c))],
    [1, fc.tuple(product, fc.integer({ min: 1, max: 50_000 })).map(([p, c]) => setPrice(p, c))],
    [2, fc.tuple(product, fc.integer({ min: -8, max: 8 })).map(([p, d]) => adjustStock(p, d))],
    [2, fc.tuple(product, fc.integer({ min: 0, max: 12 }), ifMatch).map(([p, s, i]) => setStock(p, s, i))],
  ];
  return [fc.oneof(...table.map(([weight, arbitrary]) => ({ weight, arbitrary })))];
}
