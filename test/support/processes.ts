// Child processes the operator tests run: the operator itself (node operator/src/main.ts), the real
// API (node api/src/main.ts) and the latency fixture (test/support/latency-app.ts), plus a bounded
// request loop to give them traffic. Logs are kept for failure messages.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { eventually, repoRoot } from './stack.ts';

/** A running child process and its output so far. */
export interface Child {
  proc: ChildProcess;
  logs: () => string;
  /** SIGTERM and wait (graceful: the operator releases its Lease). */
  stop: () => Promise<void>;
  /** SIGKILL and wait (a crash: nothing is released). */
  kill: () => Promise<void>;
}

export function spawnNode(script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const end = async (signal: NodeJS.Signals) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill(signal);
    await exited;
  };
  return { proc, logs: () => out, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}

/** Starts the operator with its ops server (/metrics, /status, /decisions) on `port`; waits for /readyz. */
export async function startOperator(port: number, env: Record<string, string>, args: string[] = []): Promise<Child> {
  const child = spawnNode('operator/src/main.ts', args, { OPS_PORT: String(port), ...env });
  await eventually(
    `operator on :${port} ready\n${child.logs()}`,
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok,
    20_000,
  );
  return child;
}

/** Starts the latency fixture on `port` with `delayMs`, and waits until it answers. */
export async function startLatencyApp(port: number, delayMs: number): Promise<Child> {
  const child = spawnNode('test/support/latency-app.ts', [], { PORT: String(port), DELAY_MS: String(delayMs) });
  await eventually(`latency app on :${port}`, async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).ok, 15_000);
  return child;
}

/**
 * Starts the real API (`node api/src/main.ts`) on `port`, its ops server (/readyz, /metrics) on
 * `opsPort`, against the test stack, and waits until it is ready. Cache and rate limits off: every
 * product read goes to the database (so a database stall shows in its latency), and the test's request
 * loop is never answered with 429.
 */
export async function startApi(port: number, opsPort: number, env: Record<string, string> = {}): Promise<Child> {
  const child = spawnNode('api/src/main.ts', [], {
    PORT: String(port),
    OPS_PORT: String(opsPort),
    LOG_LEVEL: 'warn',
    CACHE_ENABLED: 'false',
    RATE_LIMIT_ENABLED: 'false',
    ...env,
  });
  await eventually(
    `API on :${port} ready\n${child.logs()}`,
    async () => (await fetch(`http://127.0.0.1:${opsPort}/readyz`)).ok,
    60_000,
  );
  return child;
}

/** What a request loop has done so far. */
export interface Load {
  stop: () => void;
  /** Requests sent, answered (by status code) and failed without an answer. */
  counts: () => { sent: number; statuses: Record<number, number>; failed: number };
}

/**
 * GETs `url` (or, to vary what is asked, a new URL from `url()` each time) about `perSecond` times a
 * second, with at most `maxInFlight` requests open at once (a tick with that many open sends nothing),
 * until `maxRequests` were sent, `maxSeconds` have passed or stop() is called, whichever comes first:
 * bounded in count, concurrency and time. Loopback only: any other host is counted as failed, unsent.
 */
export function load(
  url: string | (() => string),
  o: { perSecond: number; maxRequests: number; maxSeconds: number; maxInFlight?: number },
): Load {
  const next = typeof url === 'string' ? () => url : url;
  const loopback = (u: string) => new URL(u).hostname === '127.0.0.1';
  const first = next();
  if (!loopback(first)) throw new Error(`load() only targets 127.0.0.1, not ${first}`);
  const maxInFlight = o.maxInFlight ?? 16;
  const statuses: Record<number, number> = {};
  let sent = 0;
  let failed = 0;
  let open = 0;
  const timer = setInterval(() => {
    if (sent >= o.maxRequests) return stop();
    if (open >= maxInFlight) return;
    const target = next();
    if (!loopback(target)) {
      failed++;
      return;
    }
    sent++;
    open++;
    void fetch(target)
      .then(async (r) => {
        await r.arrayBuffer();
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => {
        open--;
      });
  }, 1000 / o.perSecond);
  const deadline = setTimeout(() => stop(), o.maxSeconds * 1000);
  function stop() {
    clearInterval(timer);
    clearTimeout(deadline);
  }
  return { stop, counts: () => ({ sent, statuses: { ...statuses }, failed }) };
}

/** Reads one gauge value from a /metrics page (undefined when absent or unreachable). */
export async function gauge(url: string, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return line ? Number(line.split(' ').at(-1)) : undefined;
  } catch {
    return undefined;
  }
}
