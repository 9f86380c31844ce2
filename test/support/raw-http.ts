// An HTTP/1.1 client on a bare socket, for requests fetch and node:http refuse to send: raw bytes in the
// request target and in header values (latin-1, NUL, huge), any method, any body. One request per
// connection (`connection: close`), so the answer is everything read until the server closes.
import { connect } from 'node:net';

/** A request as bytes: the target is written as given (no encoding), header values may be any bytes. */
export interface RawRequest {
  method: string;
  /** The request target, e.g. `/api/v1/products?q=%FF`; written byte for byte (latin-1). */
  target: string;
  headers: Array<[name: string, value: string | Buffer]>;
  body?: Buffer;
}

/** What came back: a parsed response, or nothing before the client's limit (the caller decides). */
export type RawOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'hang' }
  | { kind: 'closed'; bytes: number; error?: string };

/**
 * Sends one request and reads the whole answer. `hang` when no complete answer came within
 * `timeoutMs` (the socket is then destroyed); `closed` when the server cut the connection without a
 * parsable response.
 */
export function rawRequest(url: string, req: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  const body = req.body ?? Buffer.alloc(0);
  const head = Buffer.concat([
    Buffer.from(`${req.method} ${req.target} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: close\r\n`, 'latin1'),
    ...req.headers.flatMap(([name, value]) => [
      Buffer.from(`${name}: `, 'latin1'),
      typeof value === 'string' ? Buffer.from(value, 'latin1') : value,
      Buffer.from('\r\n', 'latin1'),
    ]),
    Buffer.from(req.body === undefined ? '\r\n' : `content-length: ${body.length}\r\n\r\n`, 'latin1'),
  ]);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ kind: 'hang' });
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e) => {
      error = e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      resolve(parseResponse(raw) ?? { kind: 'closed', bytes: raw.length, ...(error ? { error } : {}) });
    });
    // A reset while writing a huge body is an answer too (read in 'close'), not a crash of the test.
    socket.write(Buffer.concat([head, body]));
  });
}

function parseResponse(raw: Buffer): RawOutcome | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = unchunk(body);
  return { kind: 'response', status: Number(status), headers, body: body.toString('utf8') };
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
