// The knobs of the fuzz tests, from the environment: a fixed seed unless FUZZ_SEED names another (so a
// failure in CI repeats on a laptop), and how many runs each property gets.

/** FUZZ_SEED if set (an integer), else `fallback`. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${JSON.stringify(raw)}`);
  return seed;
}

/** FUZZ_RUNS if set (a positive integer), else `fallback`. */
export function fuzzRuns(fallback: number): number {
  const raw = process.env.FUZZ_RUNS;
  if (raw === undefined || raw === '') return fallback;
  const runs = Number(raw);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${raw}`);
  return runs;
}
