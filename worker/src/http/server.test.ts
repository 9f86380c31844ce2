import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { loadWorkerConfig } from '../config.ts';
import { startHttpServer } from './server.ts';

// An address of this machine other than loopback, if it has one.
const outside = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

test('the ops port listens on loopback by default: not reachable through another interface', async (t) => {
  const config = loadWorkerConfig({});
  assert.equal(config.HOST, '127.0.0.1');
  const server = await startHttpServer({
    port: 0,
    host: config.HOST,
    registry: new Registry(),
    health: async () => ({ ready: true, checks: {} }),
  });
  t.after(() => server.close());
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/live`)).status, 200);
  if (!outside) return t.skip('no non-loopback interface on this machine');
  await assert.rejects(fetch(`http://${outside}:${server.port}/live`), 'refused on a non-loopback address');
});
