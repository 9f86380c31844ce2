// The admin-writes scenario with its staleness check: price and stock changes at a steady rate (open model:
// one write every 1/rate s, whether or not the previous finished), each followed by reads of the product
// from every API instance until `watchMs` after the write was acknowledged. A read *sent* more than
// `boundMs` after the acknowledgement that still shows the old value is a stale read (target: none); the
// stale window of a write is how long after its acknowledgement the old value was still received.
// Stock changes are relative (`PATCH .../stock {delta}`), as admins make them; every product touched gets
// its original price and stock back at the end, written with If-Match (an absolute stock requires it).
import { setTimeout as sleep } from 'node:timers/promises';

export interface StalenessOptions {
  /** Where writes go (one API instance). */
  writeUrl: string;
  /** Where reads go, round robin: several instances also check invalidation across instances. */
  readUrls: string[];
  token: string;
  /** Products to write, e.g. the most popular of the browse scenario (those that are cached). */
  productIds: number[];
  writesPerSecond: number;
  durationSeconds: number;
  boundMs?: number;
  watchMs?: number;
  pollMs?: number;
}

export interface StalenessResult {
  writes: number;
  failedWrites: number;
  reads: number;
  staleReads: number;
  /** The longest time after a write's acknowledgement that the old value was still received, ms. */
  worstStaleMs: number;
  /** Writes of which some read sent after the acknowledgement still showed the old value. */
  writesSeenStale: number;
  writeP50Ms: number;
  writeMaxMs: number;
}

interface Shown {
  priceCents: number;
  stock: number;
}

async function shown(url: string, id: number): Promise<(Shown & { etag: string }) | undefined> {
  const res = await fetch(`${url}/api/v1/products/${id}`);
  if (res.status !== 200) {
    await res.arrayBuffer();
    return undefined;
  }
  const body = (await res.json()) as Shown;
  return { priceCents: body.priceCents, stock: body.stock, etag: res.headers.get('etag') ?? '' };
}

export async function adminWrites(o: StalenessOptions): Promise<StalenessResult> {
  const boundMs = o.boundMs ?? 1000;
  const watchMs = o.watchMs ?? boundMs + 1000;
  const pollMs = o.pollMs ?? 20;
  if (o.productIds.length === 0) throw new Error('admin writes: no products');
  const headers = { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' };
  const originals = new Map<number, Shown>();
  const busy = new Set<number>();
  const result: StalenessResult = {
    writes: 0,
    failedWrites: 0,
    reads: 0,
    staleReads: 0,
    worstStaleMs: 0,
    writesSeenStale: 0,
    writeP50Ms: 0,
    writeMaxMs: 0,
  };
  const writeMs: number[] = [];
  let next = 0;
  let reader = 0;

  const patch = (id: number, body: Partial<Shown>, etag?: string) =>
    fetch(`${o.writeUrl}/api/v1/admin/products/${id}`, {
      method: 'PATCH',
      headers: etag ? { ...headers, 'if-match': etag } : headers,
      body: JSON.stringify(body),
    });
  const adjust = (id: number, delta: number) =>
    fetch(`${o.writeUrl}/api/v1/admin/products/${id}/stock`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ delta }),
    });
  const restore = async (id: number, original: Shown) => {
    // A write between the read and the restore (none is expected) would be a 412: read again, once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const now = await shown(o.writeUrl, id);
      const res = await patch(id, { priceCents: original.priceCents, stock: original.stock }, now?.etag);
      await res.arrayBuffer();
      if (res.status !== 412) return;
    }
  };

  const one = async (n: number) => {
    const id = o.productIds.find((p, i) => i >= n % o.productIds.length && !busy.has(p));
    if (id === undefined) return;
    busy.add(id);
    try {
      const before = await shown(o.writeUrl, id);
      if (!before) return;
      if (!originals.has(id)) originals.set(id, { priceCents: before.priceCents, stock: before.stock });
      // Alternate price and stock, the two fields shop admins change most.
      const field: keyof Shown = n % 2 === 0 ? 'priceCents' : 'stock';
      const old = before[field];
      const value = field === 'stock' && old > 0 ? old - 1 : old + 1;
      const sent = performance.now();
      const res = field === 'stock' ? await adjust(id, value - old) : await patch(id, { [field]: value });
      const ack = performance.now();
      await res.arrayBuffer();
      if (res.status !== 200) {
        result.failedWrites++;
        return;
      }
      result.writes++;
      writeMs.push(ack - sent);
      let seenStale = false;
      while (performance.now() - ack < watchMs) {
        const url = o.readUrls[reader++ % o.readUrls.length] as string;
        const readSent = performance.now();
        const now = await shown(url, id);
        const received = performance.now();
        result.reads++;
        if (now && now[field] === old) {
          seenStale = true;
          result.worstStaleMs = Math.max(result.worstStaleMs, received - ack);
          if (readSent - ack > boundMs) result.staleReads++;
        }
        await sleep(pollMs);
      }
      if (seenStale) result.writesSeenStale++;
    } finally {
      busy.delete(id);
    }
  };

  const tasks: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.max(1, Math.round(o.writesPerSecond * o.durationSeconds));
  while (next < total) {
    const due = started + (next * 1000) / o.writesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    tasks.push(one(next++).catch(() => void result.failedWrites++));
  }
  await Promise.all(tasks);
  for (const [id, original] of originals) await restore(id, original);

  const sorted = [...writeMs].sort((a, b) => a - b);
  result.writeP50Ms = sorted[Math.floor(sorted.length / 2)] ?? 0;
  result.writeMaxMs = sorted.at(-1) ?? 0;
  return result;
}
