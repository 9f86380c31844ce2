// The HTTP-level pieces of hostile requests, whatever the route: URL pieces parsers trip on, header
// values, content types, raw bodies (invalid JSON, invalid UTF-8, past the size limit), forged tokens.
import fc from 'fast-check';
import { hostileString, numberTexts } from './schema-arbitraries.ts';

/** Percent-encodes every byte of the UTF-8 form except unreserved characters (a lone surrogate becomes U+FFFD). */
export const percentEncode = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** A string's UTF-8 bytes as latin-1 characters, for a header value. CR and LF would end the header: dropped. */
const asHeaderBytes = (s: string) => Buffer.from(s.replace(/[\r\n]/g, ''), 'utf8').toString('latin1');

/** Raw (already encoded) pieces of a URL that parsers trip on. */
const rawUrlPieces = fc.constantFrom(
  '%FF',
  '%ED%A0%80',
  '%C0%80',
  '%00',
  '%',
  '%zz',
  '%2F',
  '..',
  '%2e%2e',
  '+',
  '%2B',
  '1e309',
  '-1',
  '0',
  '1.5',
  '0x1F',
  '9007199254740993',
  '99999999999999999999',
  'NaN',
  'a'.repeat(250),
  '\xff',
);
/** A path segment or query value: a raw piece, or any hostile string or number, encoded. */
export const hostileUrlPiece = fc.oneof(rawUrlPieces, hostileString.map(percentEncode), numberTexts.map(percentEncode));

/** What fills a `*`: ways out of the folder, and plain names. */
export const traversal = fc.constantFrom(
  '../../../../etc/passwd',
  '..%2f..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e/%2e%2e/%2e%2e/package.json',
  'static/../../../../package.json',
  'static/..%5c..%5c..%5cpackage.json',
  'static/index.html',
  'json',
  '',
);

/** A header value: empty, NUL, invalid UTF-8, past the size limit, odd syntax, any hostile string. */
export const hostileHeaderValue = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '\xff\xfe', 'a'.repeat(20_000), '*', 'W/"x"', 'bytes=0-,-1', '127.0.0.1, ::1, x'),
  hostileString.map(asHeaderBytes),
  numberTexts,
);

/** Content types other than plain `application/json`. */
export const contentTypes = fc.constantFrom(
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json;;;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/vnd.api+json',
  'application/json\u0000',
  '*/*',
);

/** Bodies no schema describes: broken or deep JSON, a BOM, invalid UTF-8, past the body limit. */
export const rawBodies = fc.oneof(
  fc
    .constantFrom(
      '',
      'null',
      '[]',
      '"x"',
      '1e309',
      '{',
      '{"a":',
      '{"a":1}x',
      'NaN',
      '\uFEFF{}',
      '{"__proto__":{"role":"admin"}}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      `${'['.repeat(3000)}${']'.repeat(3000)}`,
      `{"x":"${'a'.repeat(70_000)}"}`,
    )
    .map((text) => ({ text, encoding: 'utf8' as const })),
  fc.constantFrom('\xff\xfe{\x00}\x00', '{"a":"\xc0\x80"}', '{"a":"\xed\xa0\x80"}').map((text) => ({
    text,
    encoding: 'latin1' as const,
  })),
);

/** Headers a route may read without describing them, and a name that is not a token. */
export const extraHeaderNames = fc.constantFrom(
  'idempotency-key',
  'x-forwarded-for',
  'x-request-id',
  'if-none-match',
  'if-match',
  'accept',
  'accept-encoding',
  'content-encoding',
  'range',
  'cookie',
  'x-http-method-override',
  'x-\xff',
);

/** Authorization values that must never authenticate anyone. */
export const forgedTokens = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Basic YWRtaW46YWRtaW4=',
    'Bearer null',
    'Bearer a.b.c',
    // alg "none", sub 1, role admin: must never be trusted.
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0.',
  ),
  hostileString.map((s) => `Bearer ${asHeaderBytes(s)}`),
);
