// Child processes the operator tests run: the operator itself (node operator/src/main.ts) and the
// latency fixture (test/support/latency-app.ts). Logs are kept for failure messages.
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

/** Starts the operator and waits for its /healthz. */
export async function startOperator(port: number, env: Record<string, string>, args: string[] = []): Promise<Child> {
  const child = spawnNode('operator/src/main.ts', args, { PORT: String(port), ...env });
  await eventually(
    `operator on :${port} healthy\n${child.logs()}`,
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
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
 * Sends requests to the latency fixture at about `perSecond` until stopped: bounded in rate and,
 * through the returned stop(), in time (the tests stop it in `after`).
 */
export function load(port: number, perSecond: number): { stop: () => void } {
  const timer = setInterval(() => {
    void fetch(`http://127.0.0.1:${port}/work`)
      .then((r) => r.arrayBuffer())
      .catch(() => {});
  }, 1000 / perSecond);
  return { stop: () => clearInterval(timer) };
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
