// The experiment's own shop data: customers and products made for this run only (so the accounting can
// count every order, unit of stock and mail of the run and nothing else), and the customers signed in
// through the real flow: POST /auth/otp, the code read from the job the API enqueued, POST /auth/verify.
import { jobEntityKey, queueNames, queueProducerConnection } from '@avelon/core';
import { Queue } from 'bullmq';
import type pg from 'pg';

export interface Shopper {
  userId: number;
  email: string;
  token: string;
  /** The sign-in code mailed to them: its mail is counted like every other. */
  otpEntityKey: string;
}

export interface ShopFixture {
  shoppers: Shopper[];
  /** The products the checkouts buy, with the stock they started with. */
  products: Array<{ id: number; initialStock: number }>;
}

const INITIAL_STOCK = 100_000;

async function post(url: string, body: object): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/** Makes `shoppers` customers and `productCount` products, then signs every customer in. */
export async function makeShop(
  db: pg.Pool,
  o: { runId: string; shoppers: number; productCount: number; apiUrl: string; queueRedisUrl: string; prefix: string },
): Promise<ShopFixture> {
  const emails = Array.from({ length: o.shoppers }, (_, i) => `chaos-${o.runId}-${i}@chaos.avelon.local`);
  const users = await db.query<{ id: string; email: string }>(
    `INSERT INTO users (email, role, is_email_verified)
     SELECT e, 'customer', true FROM unnest($1::text[]) AS e RETURNING id, email`,
    [emails],
  );
  const brand = await db.query<{ id: string }>(
    `INSERT INTO brands (slug, title) VALUES ('chaos', 'Chaos') ON CONFLICT (slug) DO UPDATE SET title = excluded.title
     RETURNING id`,
  );
  const products = await db.query<{ id: string }>(
    `INSERT INTO products (slug, title, description, brand_id, price_cents, stock)
     SELECT 'chaos-' || $1 || '-' || i, 'Chaos test product ' || i, 'Bought by make chaos.', $2, 1999, $3
     FROM generate_series(1, $4) AS i RETURNING id`,
    [o.runId, brand.rows[0]?.id, INITIAL_STOCK, o.productCount],
  );

  for (const email of emails) {
    // One at a time: each request enqueues one job; the codes are read from the queue once, below.
    const res = await post(`${o.apiUrl}/api/v1/auth/otp`, { email });
    if (res.status !== 202) throw new Error(`POST /auth/otp for ${email}: ${res.status} ${await res.text()}`);
  }
  const codes = await otpCodes(o.queueRedisUrl, o.prefix, new Set(emails));
  const byEmail = new Map(users.rows.map((u) => [u.email, Number(u.id)]));
  const shoppers = await inBatches(emails, 10, async (email) => {
    const code = codes.get(email);
    if (!code) throw new Error(`no one-time code for ${email} in the queue`);
    const res = await post(`${o.apiUrl}/api/v1/auth/verify`, { email, code });
    if (res.status !== 200) throw new Error(`POST /auth/verify for ${email}: ${res.status} ${await res.text()}`);
    const { accessToken } = (await res.json()) as { accessToken: string };
    return {
      userId: byEmail.get(email) ?? 0,
      email,
      token: accessToken,
      otpEntityKey: jobEntityKey('otp-code', { email, code, expiresInSeconds: 1 }),
    };
  });
  return {
    shoppers,
    products: products.rows.map((p) => ({ id: Number(p.id), initialStock: INITIAL_STOCK })),
  };
}

/** The newest sign-in code of each address, read from the otp-code jobs of the queue. */
async function otpCodes(redisUrl: string, prefix: string, emails: Set<string>): Promise<Map<string, string>> {
  const connection = queueProducerConnection(redisUrl, 'chaos-otp-reader');
  const queue = new Queue(queueNames.emails, { connection, prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'prioritized']);
    const mine = jobs.filter((j) => j?.name === 'otp-code' && emails.has(j.data.email));
    mine.sort((a, b) => a.timestamp - b.timestamp);
    return new Map(mine.map((j) => [j.data.email as string, j.data.code as string]));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
