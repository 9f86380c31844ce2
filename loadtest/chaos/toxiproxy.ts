// The fault proxy between the API and its data stores: toxiproxy (Shopify, MIT; built from the Go module
// proxy by scripts/tools/install.sh into .tools/bin/toxiproxy), driven through its HTTP API. Each proxy
// forwards one loopback port to one data store; a toxic (latency, reset_peer, ...) then changes what
// passes through it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One proxied data store: the API connects to `listen`, toxiproxy to `upstream`. */
export interface ProxySpec {
  name: string;
  listenPort: number;
  upstreamPort: number;
}

/** A toxic as toxiproxy's API takes it (https://github.com/Shopify/toxiproxy#toxics). */
export interface Toxic {
  name: string;
  type: 'latency' | 'reset_peer' | 'timeout' | 'bandwidth' | 'slow_close' | 'limit_data';
  stream?: 'upstream' | 'downstream';
  /** Share of connections the toxic applies to (0..1). */
  toxicity?: number;
  attributes: Record<string, number>;
}

export interface Toxiproxy {
  readonly apiUrl: string;
  add(proxy: string, toxic: Toxic): Promise<void>;
  remove(proxy: string, toxicName: string): Promise<void>;
  /** Removes every toxic and re-enables every proxy. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function call(url: string, method: string, body?: unknown): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`toxiproxy ${method} ${url}: ${res.status} ${await res.text()}`);
}

/** Starts `toxiproxy` on `apiPort` (loopback only), creates the proxies and waits until they listen. */
export async function startToxiproxy(
  binary: string,
  apiPort: number,
  proxies: ProxySpec[],
  logFile: string,
): Promise<Toxiproxy> {
  const child: ChildProcess = spawn(binary, ['-host', '127.0.0.1', '-port', String(apiPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`toxiproxy exited with ${child.exitCode}; see ${logFile}`);
    const up = await fetch(`${apiUrl}/version`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (i > 100) throw new Error(`toxiproxy did not answer on ${apiUrl}; see ${logFile}`);
    await sleep(100);
  }
  for (const p of proxies) {
    await call(`${apiUrl}/proxies`, 'POST', {
      name: p.name,
      listen: `127.0.0.1:${p.listenPort}`,
      upstream: `127.0.0.1:${p.upstreamPort}`,
      enabled: true,
    });
  }
  return {
    apiUrl,
    add: (proxy, toxic) => call(`${apiUrl}/proxies/${proxy}/toxics`, 'POST', { stream: 'downstream', ...toxic }),
    remove: (proxy, name) => call(`${apiUrl}/proxies/${proxy}/toxics/${name}`, 'DELETE'),
    reset: () => call(`${apiUrl}/reset`, 'POST'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
