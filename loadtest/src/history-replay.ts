// The cache state of a shop that has been open for a while, reached in minutes: the distinct paths of a
// long browse stream (what shoppers would have asked for within the TTLs), each requested once. A warm-up
// of a few minutes at bench rates only sees the head of a Zipf catalogue; the long tail a real shop at
// scale serves in half an hour would otherwise be measured as misses that steady state does not have.

/** The distinct paths among the first `history` of a stream, in first-seen order (most popular first, roughly). */
export function distinctPaths(next: () => string, history: number): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < history; i++) seen.add(next());
  return [...seen];
}

/** Requests each path once with `concurrency` requests in flight; returns how many answered 2xx/4xx and failed. */
export async function replay(
  baseUrl: string,
  paths: readonly string[],
  concurrency: number,
): Promise<{ ok: number; failed: number; seconds: number }> {
  const started = performance.now();
  let ok = 0;
  let failed = 0;
  const queue = paths.values();
  const worker = async () => {
    for (const path of queue) {
      try {
        const res = await fetch(`${baseUrl}${path}`);
        await res.arrayBuffer();
        if (res.status < 500) ok++;
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, seconds: (performance.now() - started) / 1000 };
}
