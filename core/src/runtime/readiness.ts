// The dependency checks behind /readyz: each runs with a time limit, so one hung dependency answers
// "timeout" instead of holding the probe (and every probe after it) open.

/** Resolves when the dependency answers; rejects (or never settles) when it does not. */
export type CheckFn = () => Promise<unknown>;

/** A check whose failure degrades the app instead of taking it out of rotation. */
export interface ReadinessCheck {
  run: CheckFn;
  /**
   * Whether a failure makes the app not ready (503). false: reported, but the app still serves (the
   * API without its cache Redis or a replica answers from the primary).
   * @defaultValue true
   */
  required?: boolean;
}

/** What /readyz answers: every check by name, 'ok' or why it failed. */
export interface ReadinessReport {
  status: 'ok' | 'degraded' | 'down' | 'draining';
  checks: Record<string, string>;
}

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function runChecks(
  checks: Record<string, CheckFn | ReadinessCheck>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const entries = Object.entries(checks).map(([name, c]) => ({
    name,
    run: typeof c === 'function' ? c : c.run,
    required: typeof c === 'function' || c.required !== false,
  }));
  const results = await Promise.all(entries.map((e) => outcome(e.run, timeoutMs)));
  const checksOut: Record<string, string> = {};
  let down = false;
  let degraded = false;
  entries.forEach((e, i) => {
    const result = results[i] ?? 'ok';
    checksOut[e.name] = result;
    if (result === 'ok') return;
    if (e.required) down = true;
    else degraded = true;
  });
  return { status: down ? 'down' : degraded ? 'degraded' : 'ok', checks: checksOut };
}

async function outcome(run: CheckFn, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`timeout after ${timeoutMs} ms`), timeoutMs);
  });
  try {
    // A check that throws synchronously fails like one that rejects.
    const ran = Promise.resolve()
      .then(run)
      .then(
        () => 'ok',
        (error: unknown) => (error instanceof Error ? error.message : String(error)) || 'failed',
      );
    return await Promise.race([ran, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
