// Slow and silent clients against a real API process (raw sockets): a body that trickles in forever,
// headers that trickle in forever, and a body that stops half-way are all cut by the server. The
// outcome is asserted (a 408 or a closed socket), never how long it took; the node:test timeout only
// stops a run in which the server never cuts.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { type ApiProcess, closeDb, spawnApi } from '../support/api.ts';

let api: ApiProcess;
before(async () => {
  api = await spawnApi({
    HTTP_REQUEST_TIMEOUT_MS: '1500',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    HTTP_CONNECTION_TIMEOUT_MS: '1000',
    HTTP_TIMEOUT_CHECK_INTERVAL_MS: '100',
  });
});
after(async () => {
  await api?.stop();
  await closeDb();
});

/** Opens a socket, writes `start`, then `drip` every 100 ms until the server answers or closes. */
async function until(start: string, drip?: string): Promise<{ response: string; closed: boolean }> {
  const { hostname, port } = new URL(api.url);
  const socket: Socket = connect(Number(port), hostname);
  let response = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    response += chunk;
  });
  socket.on('error', () => {});
  const timer = drip ? setInterval(() => socket.writable && socket.write(drip), 100) : undefined;
  socket.write(start);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  clearInterval(timer);
  return { response, closed: true };
}

const cut = (r: { response: string; closed: boolean }) =>
  r.closed && (r.response === '' || r.response.startsWith('HTTP/1.1 408'));

test('a body that trickles in and never completes is cut (408)', { timeout: 20_000 }, async () => {
  const r = await until(
    'POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"email":"',
    'a',
  );
  assert.ok(cut(r), r.response);
});

test('headers that trickle in and never end are cut (408)', { timeout: 20_000 }, async () => {
  const r = await until('GET /api/v1/brands?limit=1 HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
  assert.ok(cut(r), r.response);
});

test('a body that stops half-way is cut', { timeout: 20_000 }, async () => {
  const r = await until(
    'POST /api/v1/auth/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em',
  );
  assert.ok(cut(r), r.response);
});

test('a complete request on the same server is answered', async () => {
  const res = await fetch(`${api.url}/api/v1/brands?limit=1`);
  assert.equal(res.status, 200);
});
