// Seeded randomness for the load scenarios: the same seed gives the same request sequence, so two
// targets of one benchmark round see the same keys in the same order.

/** mulberry32: a tiny, fast 32-bit PRNG; uniform in [0, 1). Not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates shuffle into a new array: popularity rank ≠ id order (new products are not the hot ones). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One of `items` with probability proportional to its weight. */
export function weighted<T>(items: ReadonlyArray<readonly [T, number]>, random: () => number): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items.at(-1) as readonly [T, number])[0];
}
