// The model of the shop that test/api/fuzz-shop.test.ts runs commands against: what every cart, order
// and stock must be after each command, and the HTTP client the commands use on the real API.
import { randomUUID } from 'node:crypto';

export type OrderStatus = 'pending' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

/** Which status an order may move to from which (the API's lifecycle; anything else is a 409). */
export const allowedFrom: Record<OrderStatus, OrderStatus[]> = {
  pending: [],
  paid: ['pending'],
  shipped: ['paid'],
  delivered: ['shipped'],
  cancelled: ['pending', 'paid'],
};

/** Statuses whose order still holds the units checkout took; cancelling from them returns the units. */
export const holdsStock: ReadonlySet<OrderStatus> = new Set(['pending', 'paid']);

export interface ModelOrder {
  user: number;
  id: number;
  status: OrderStatus;
  /** Product index → quantity. */
  lines: Map<number, number>;
  totalCents: number;
}

/** What the shop must hold; indexes are users and products of this run. */
export interface ShopModel {
  stock: number[];
  priceCents: number[];
  /** Per user: product index → quantity. */
  carts: Array<Map<number, number>>;
  orders: ModelOrder[];
  /** Per user: Idempotency-Key → index in `orders`. */
  keys: Array<Map<string, number>>;
}

/** The real shop of one run: the API, signed-in users and admin, and this run's products. */
export interface ShopReal {
  url: string;
  userIds: number[];
  userTokens: string[];
  adminToken: string;
  productIds: number[];
  initialStock: number[];
  /** Units an admin added (or removed) per product, the other side of the conservation ledger. */
  adjusted: number[];
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Longer than any honest answer takes; reaching it fails the command as "no answer". */
export const ANSWER_LIMIT_MS = 10_000;

/** One request to the real API as the given bearer token; a missing answer is an error. */
export async function call(
  real: ShopReal,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(`${real.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(ANSWER_LIMIT_MS),
    });
  } catch (error) {
    throw new Error(`${method} ${path}: no answer (${(error as Error).message})`);
  }
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

/** Fails with what was expected and what came back. */
export function expectStatus(what: string, answer: Answer, status: number, code?: string): void {
  const got = (answer.body.error as { code?: string } | undefined)?.code;
  if (answer.status !== status || (code !== undefined && got !== code)) {
    throw new Error(`${what}: expected ${status} ${code ?? ''}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

/** The cart lines of an answer as product index → quantity. */
export function cartOf(real: ShopReal, body: Record<string, unknown>): Map<number, number> {
  const items = (body.items ?? []) as Array<{ productId: number; quantity: number }>;
  return new Map(items.map((i) => [real.productIds.indexOf(i.productId), i.quantity]));
}

export const sameLines = (a: Map<number, number>, b: Map<number, number>) =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export const showLines = (lines: Map<number, number>) => JSON.stringify([...lines].sort(([a], [b]) => a - b));

/** A fresh Idempotency-Key (the schema's alphabet). */
export const newKey = () => `fz-${randomUUID()}`;
