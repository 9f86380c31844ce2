// Child processes of a benchmark: started with the orchestrator's environment plus overrides, ready when
// they print "listening at http://127.0.0.1:PORT" (and, for an app with an ops server, its address),
// and killed when the orchestrator exits for any reason.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
});

export interface Started {
  name: string;
  url: string;
  /** The ops server (/metrics), when started with `ops`. */
  opsUrl?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServer(
  name: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
  o: { ops?: boolean } = {},
): Promise<Started> {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const { url, opsUrl } = await new Promise<{ url: string; opsUrl?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out = (out + chunk.toString()).slice(-20_000);
      const url = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(out)?.[1];
      // core's ops server logs its address as "ops" (info level).
      const opsUrl = /"ops":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out)?.[1];
      if (url && (opsUrl || !o.ops)) {
        clearTimeout(timer);
        resolve({ url, opsUrl });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${out}`));
    });
  });
  return {
    name,
    url,
    opsUrl,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for a child that needs its port up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts `node script ...args` (killed when the orchestrator exits) and waits until `readyUrl` answers 2xx:
 * for apps whose port is set up front rather than printed.
 */
export async function startPolled(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  readyUrl: string,
): Promise<Started> {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (
      await fetch(readyUrl).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { name, url: new URL(readyUrl).origin, child, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`${name} did not answer ${readyUrl}`);
}
