// The chaos load: an open-model generator in this process, so it knows exactly what it sent and what
// came back. Two streams run on fixed schedules whatever the answers (a slow or dead server shows as
// latency and errors, never as fewer requests): anonymous browsing (loadtest's browse mix) and
// shoppers who add a product to their cart and check out with an Idempotency-Key. Every request is
// recorded with when it was due, how long it took and what it got; every checkout with the order
// it was answered with, for the accounting against the database and the mail sink.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowseGenerator } from '../src/browse-targets.ts';
import { seededRandom } from '../src/random.ts';
import type { Shopper } from './shop.ts';

export type Op = 'browse' | 'cart-add' | 'checkout';

export interface RequestRecord {
  op: Op;
  /** Reads touch no data store's writes; writes go to the primary (through PgBouncer). */
  kind: 'read' | 'write';
  /** When it was due, in ms since the load started (the open model's schedule). */
  at: number;
  /** How long after it was sent the answer came (or the client gave up). */
  ms: number;
  /** 0: no HTTP answer (timed out, reset, refused). */
  status: number;
  /** The API's error code, or the client's error name when there was no answer. */
  code?: string;
  ok: boolean;
  /** No answer within the client's timeout. */
  timedOut: boolean;
}

export interface CheckoutAttempt {
  userId: number;
  /** Its Idempotency-Key: unique per attempt, so a database order can be traced to the attempt. */
  key: string;
  at: number;
  status: number;
  code?: string;
  order?: { id: number; number: number; totalCents: number; items: Array<{ productId: number; quantity: number }> };
}

export interface LoadOptions {
  apiUrls: string[];
  browse: BrowseGenerator;
  shoppers: Shopper[];
  productIds: number[];
  /** Browse requests a second. */
  browseRate: number;
  /** Checkout flows (add to cart, then check out) a second. */
  checkoutRate: number;
  /** The client's patience: a request with no answer by then counts as past its timeout. */
  timeoutMs: number;
  /** Makes the Idempotency-Keys of this run unique. */
  runId: string;
  seed?: number;
}

export interface LoadResult {
  records: RequestRecord[];
  checkouts: CheckoutAttempt[];
  /** Checkout flows that were due while every shopper was still busy with an earlier one. */
  skippedFlows: number;
  durationMs: number;
}

export interface RunningLoad {
  /** ms since the load started: the clock of records and of the experiment's timeline. */
  now(): number;
  /** Stops sending, waits for every answer (bounded by the timeout) and returns what happened. */
  stop(): Promise<LoadResult>;
}

interface Answer {
  status: number;
  code?: string;
  body?: unknown;
  timedOut: boolean;
}

async function send(
  url: string,
  init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  timeoutMs: number,
): Promise<Answer> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const code =
      res.status >= 400 ? ((body as { error?: { code?: string } } | undefined)?.error?.code ?? 'no-code') : undefined;
    return { status: res.status, code, body, timedOut: false };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError';
    return { status: 0, code: timedOut ? 'client-timeout' : (e.cause?.code ?? e.name), timedOut };
  }
}

/** Starts both streams now. */
export function startLoad(o: LoadOptions): RunningLoad {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const random = seededRandom(o.seed ?? 11);
  const records: RequestRecord[] = [];
  const checkouts: CheckoutAttempt[] = [];
  const inFlight = new Set<Promise<void>>();
  const free = [...o.shoppers];
  let stopped = false;
  let skippedFlows = 0;
  let nextApi = 0;
  let nextKey = 0;
  const api = () => o.apiUrls[nextApi++ % o.apiUrls.length] as string;

  const request = async (op: Op, due: number, path: string, init: Parameters<typeof send>[1] = {}): Promise<Answer> => {
    const sentAt = now();
    const answer = await send(`${api()}${path}`, init, o.timeoutMs);
    const want = op === 'checkout' ? 201 : 200;
    records.push({
      op,
      kind: op === 'browse' ? 'read' : 'write',
      at: due,
      // From when it was due: a generator late to send is not the server's fast answer.
      ms: now() - Math.min(due, sentAt),
      status: answer.status,
      code: answer.code,
      ok: answer.status === want,
      timedOut: answer.timedOut,
    });
    return answer;
  };

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  const browse = (due: number) => track(request('browse', due, o.browse.next().path).then(() => {}));

  const checkoutFlow = (due: number) => {
    const shopper = free.shift();
    if (!shopper) {
      skippedFlows++;
      return;
    }
    const productId = o.productIds[Math.floor(random() * o.productIds.length)] as number;
    const key = `${o.runId}-${nextKey++}`;
    track(
      (async () => {
        try {
          const added = await request('cart-add', due, '/api/v1/cart/items', {
            method: 'POST',
            token: shopper.token,
            body: { productId, quantity: 1 },
          });
          if (added.status !== 200) return;
          const at = now();
          const answer = await request('checkout', at, '/api/v1/orders', {
            method: 'POST',
            token: shopper.token,
            headers: { 'idempotency-key': key },
          });
          const attempt: CheckoutAttempt = {
            userId: shopper.userId,
            key,
            at,
            status: answer.status,
            code: answer.code,
          };
          if (answer.status === 201 || answer.status === 200) {
            const b = answer.body as {
              id: number;
              number: number;
              totalCents: number;
              items: Array<{ productId: number; quantity: number }>;
            };
            attempt.order = {
              id: b.id,
              number: b.number,
              totalCents: b.totalCents,
              items: b.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
            };
          }
          checkouts.push(attempt);
        } finally {
          free.push(shopper);
        }
      })(),
    );
  };

  // One loop per stream: the i-th request is due at i / rate, sent then whatever came back before.
  const loop = async (rate: number, fire: (due: number) => void) => {
    if (rate <= 0) return;
    for (let i = 0; !stopped; i++) {
      const due = (i * 1000) / rate;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      if (stopped) return;
      fire(due);
    }
  };
  const loops = Promise.all([loop(o.browseRate, browse), loop(o.checkoutRate, checkoutFlow)]);

  return {
    now,
    async stop() {
      stopped = true;
      await loops;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      records.sort((a, b) => a.at - b.at);
      return { records, checkouts, skippedFlows, durationMs: now() };
    },
  };
}
