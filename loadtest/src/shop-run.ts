// The shop scenario: signed-in shoppers arriving at a constant rate (open model, loadtest/src/open-model.ts),
// each through the real flow: POST /auth/otp, the code read from the queue (loadtest/src/otp-mailbox.ts),
// POST /auth/verify (a new address signs up), `cartAdds` × POST /cart/items of products drawn with the
// browse scenario's Zipf popularity, POST /orders with an Idempotency-Key. Every step is timed; a failed
// step ends its session and is counted by step, HTTP status and the API's error code (a cart add of a
// product not for sale, 422, is counted and skipped instead, as a shopper would).
import { randomUUID } from 'node:crypto';
import { browseGenerator } from './browse-targets.ts';
import type { Catalogue } from './catalogue.ts';
import { type ArrivalStats, arrivals } from './open-model.ts';
import type { OtpMailbox } from './otp-mailbox.ts';
import { type LatencySummary, summarize } from './percentiles.ts';

export const shopSteps = ['otp', 'code', 'verify', 'cart', 'checkout'] as const;
export type ShopStep = (typeof shopSteps)[number];

export interface ShopOptions {
  baseUrl: string;
  catalogue: Catalogue;
  mailbox: OtpMailbox;
  /** Sessions started a second, and for how long. */
  rate: number;
  durationSeconds: number;
  cartAdds: number;
  seed: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface StepFigures extends LatencySummary {
  /** Failures by "<status> <API error code>" ("0 timeout" when no answer came). */
  errors: Record<string, number>;
}

export interface ShopResult {
  sessions: ArrivalStats;
  /** Sessions that got to a 201 order. */
  completed: number;
  steps: Record<ShopStep, StepFigures>;
}

/** Thrown when a step fails: ends the session, its key is what is counted. */
class StepFailed extends Error {}

export async function runShop(o: ShopOptions): Promise<ShopResult> {
  const runId = randomUUID().slice(0, 8);
  const gen = browseGenerator(o.catalogue, { seed: o.seed });
  const latencies = Object.fromEntries(shopSteps.map((s) => [s, [] as number[]])) as Record<ShopStep, number[]>;
  const errors = Object.fromEntries(shopSteps.map((s) => [s, {}])) as Record<ShopStep, Record<string, number>>;
  const timeoutMs = o.timeoutMs ?? 10_000;
  let completed = 0;

  const fail = (name: ShopStep, key: string): never => {
    errors[name][key] = (errors[name][key] ?? 0) + 1;
    throw new StepFailed(key);
  };
  /** One timed request; resolves with the answer's JSON, or counts the failure and throws StepFailed. */
  const step = async <T>(name: ShopStep, want: number, call: () => Promise<Response>): Promise<T> => {
    const started = performance.now();
    try {
      const res = await call();
      const body = (await res.json().catch(() => ({}))) as T & { error?: { code?: string } };
      latencies[name].push(performance.now() - started);
      return res.status === want ? body : fail(name, `${res.status} ${body.error?.code ?? ''}`.trim());
    } catch (e) {
      if (e instanceof StepFailed) throw e;
      latencies[name].push(performance.now() - started);
      return fail(name, `0 ${(e as Error).name === 'TimeoutError' ? 'timeout' : (e as Error).message}`);
    }
  };
  const send = (method: string, path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${o.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });

  const session = async (i: number) => {
    const email = `shop-${runId}-${i}@loadtest.avelon.local`;
    // Drawn up front, in session order, so a run is the same sequence whatever the timing.
    const products = Array.from({ length: o.cartAdds }, () => Number(gen.nextOf('detail').path.split('/').at(-1)));
    try {
      await step('otp', 202, () => send('POST', '/api/v1/auth/otp', { email }));
      // How long the code takes to reach the mailer's queue: part of what a shopper waits for.
      const asked = performance.now();
      const code = await o.mailbox.code(email, timeoutMs).catch(() => undefined);
      latencies.code.push(performance.now() - asked);
      if (!code) fail('code', 'no code in the queue');
      const { accessToken } = await step<{ accessToken: string }>('verify', 200, () =>
        send('POST', '/api/v1/auth/verify', { email, code }),
      );
      const auth = { authorization: `Bearer ${accessToken}` };
      for (const productId of products) {
        // A product not for sale (422) is counted and skipped, as a shopper would; checkout still runs.
        await step('cart', 200, () => send('POST', '/api/v1/cart/items', { productId, quantity: 1 }, auth)).catch(
          (e: unknown) => {
            if (!(e instanceof StepFailed && e.message.startsWith('422'))) throw e;
          },
        );
      }
      await step('checkout', 201, () =>
        send('POST', '/api/v1/orders', {}, { ...auth, 'idempotency-key': `shop-${runId}-${i}` }),
      );
      completed++;
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
    }
  };

  const sessions = await arrivals(o.rate, o.durationSeconds, session);
  const steps = Object.fromEntries(
    shopSteps.map((s) => [s, { ...summarize(latencies[s]), errors: errors[s] }]),
  ) as Record<ShopStep, StepFigures>;
  return { sessions, completed, steps };
}
