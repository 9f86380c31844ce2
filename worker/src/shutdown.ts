/**
 * Waits for `close` at most `timeoutMs`. 'clean' when it finished in time; 'forced' when the time ran
 * out, and the caller exits anyway: the jobs still running keep their locks until they expire, and a
 * live worker's stalled check puts them back to wait, where the ledger keeps them from sending twice.
 */
export async function closeWithin(timeoutMs: number, close: () => Promise<unknown>): Promise<'clean' | 'forced'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'forced'>((resolve) => {
    timer = setTimeout(() => resolve('forced'), timeoutMs);
  });
  try {
    const closed = close().then(
      () => 'clean' as const,
      // A close that failed did not finish the in-flight jobs either: the same recovery applies.
      () => 'forced' as const,
    );
    return await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
