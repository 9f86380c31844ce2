// Hostile HTTP requests for one route, generated from its schemas: the path with its params, the query
// string, the headers and the body, each mostly valid with a few hostile parts (so requests reach the
// handler and the database, not only the validator), sent as anonymous, as a user, as an admin or with
// a forged token. Everything is raw bytes, sent with test/support/raw-http.ts.
import fc from 'fast-check';
import type { RawRequest } from '../raw-http.ts';
import {
  contentTypes,
  extraHeaderNames,
  forgedTokens,
  hostileHeaderValue,
  hostileUrlPiece,
  percentEncode,
  rawBodies,
  traversal,
} from './hostile-http.ts';
import type { FuzzRoute } from './routes.ts';
import { hostileString, type JsonSchema, type SchemaArbitraries } from './schema-arbitraries.ts';

export type Identity = 'anonymous' | 'user' | 'admin' | 'forged';

/** A generated request; `authorization` of a user or admin is filled in when it is sent. */
export interface FuzzRequest {
  identity: Identity;
  method: string;
  target: string;
  /** Values are latin-1 strings: one character per byte on the wire. */
  headers: Array<[string, string]>;
  /** The body as text; `latin1` sends its characters as bytes (invalid UTF-8 and other encodings). */
  body?: { text: string; encoding: 'utf8' | 'latin1' };
}

/** A part of a request in two versions: one its schema accepts, and a hostile one. */
interface Part<T> {
  valid: fc.Arbitrary<T>;
  hostile: fc.Arbitrary<T>;
}

/** The query string (with its `?`, or empty) from the route's querystring schema. */
function queryPart(schema: JsonSchema | undefined, values: SchemaArbitraries): Part<string> {
  const props = Object.entries(schema?.properties ?? {});
  const join = (parts: string[]) => (parts.length === 0 ? '' : `?${parts.join('&')}`);
  const validPair = ([key, s]: [string, JsonSchema]) =>
    // Each optional parameter in half the requests: all of them at once rarely make sense together.
    fc.option(
      values.valid(s).map((v) => `${key}=${percentEncode(String(v))}`),
      { nil: undefined, freq: 2 },
    );
  const hostilePair = ([key, s]: [string, JsonSchema]) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as string[]) },
      { weight: 3, arbitrary: values.valid(s).map((v) => [`${key}=${percentEncode(String(v))}`]) },
      { weight: 2, arbitrary: hostileUrlPiece.map((v) => [`${key}=${v}`]) },
      // The same key twice: an array where one value is expected.
      { weight: 1, arbitrary: values.valid(s).map((v) => [`${key}=${percentEncode(String(v))}`, `${key}=1`]) },
    );
  const extraKey = fc.oneof(
    fc.constantFrom('__proto__', '__proto__[role]', 'constructor[prototype][role]', 'a[b][c]', '', '%00', 'q[]'),
    hostileString.map(percentEncode),
  );
  return {
    valid: fc.tuple(...props.map(validPair)).map((pairs) => join(pairs.filter((p) => p !== undefined))),
    hostile: fc
      .tuple(fc.tuple(...props.map(hostilePair)), fc.array(fc.tuple(extraKey, hostileUrlPiece), { maxLength: 2 }))
      .map(([known, extra]) => join([...known.flat(), ...extra.map(([k, v]) => `${k}=${v}`)])),
  };
}

/** The path with each `:param` (and a `*`) filled; hostile: any segment may be, or a suffix is added. */
function pathPart(route: FuzzRoute, values: SchemaArbitraries): Part<string> {
  const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  const validSegment = (name: string) => {
    const schema = route.params?.properties?.[name];
    return schema ? values.valid(schema).map((v) => percentEncode(String(v))) : fc.constant('1');
  };
  const fill = (segments: string[], star: string) => {
    let i = 0;
    return route.url.replace(/:(\w+)/g, () => segments[i++] ?? '').replace('*', star);
  };
  const suffix = fc.oneof(fc.constant(''), fc.constantFrom('/', '//', '/%FF', '%00', '/..', '/.', ';x'));
  return {
    valid: fc.tuple(fc.tuple(...names.map(validSegment)), traversal).map(([segments, star]) => fill(segments, star)),
    hostile: fc
      .tuple(
        fc.tuple(...names.map((n) => fc.oneof(validSegment(n), hostileUrlPiece))),
        fc.oneof(traversal, hostileUrlPiece),
        suffix,
      )
      .map(([segments, star, end]) => fill(segments, star) + end),
  };
}

/** The route's described headers (e.g. idempotency-key); hostile: their values, and a few others. */
function headersPart(route: FuzzRoute, values: SchemaArbitraries): Part<Array<[string, string]>> {
  const described = Object.entries(route.headers?.properties ?? {});
  // A pattern's \s admits CR, LF and the like, which no header value can carry (the parser refuses
  // them first): a valid value keeps the characters a header can hold, without the whitespace it trims.
  const headerSafe = (v: unknown) =>
    String(v)
      .replace(/[^\t\x20-\x7e]/g, '')
      .trim();
  const valid = described.map(([name, s]) =>
    fc.option(
      values.valid(s).map((v): [string, string] => [name, headerSafe(v)]),
      { nil: undefined },
    ),
  );
  const hostile = described.map(([name, s]) =>
    fc.oneof(
      values.valid(s).map((v): [string, string] => [name, String(v)]),
      hostileHeaderValue.map((v): [string, string] => [name, v]),
    ),
  );
  return {
    valid: fc.tuple(...valid).map((h) => h.filter((x) => x !== undefined)),
    hostile: fc
      .tuple(fc.tuple(...hostile), fc.array(fc.tuple(extraHeaderNames, hostileHeaderValue), { maxLength: 2 }))
      .map(([known, extra]) => [...known, ...extra]),
  };
}

type Body = FuzzRequest['body'];

/** The body: valid JSON of the route's body schema (none without one); hostile: spoiled objects, raw bytes. */
function bodyPart(route: FuzzRoute, values: SchemaArbitraries): Part<Body> {
  const utf8 = (text: string) => ({ text, encoding: 'utf8' as const });
  if (!route.body) return { valid: fc.constant(undefined), hostile: rawBodies };
  return {
    valid: values.valid(route.body).map((v) => utf8(JSON.stringify(v))),
    hostile: fc.oneof(
      { weight: 6, arbitrary: values.object(route.body).map(utf8) },
      { weight: 2, arbitrary: rawBodies },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
  };
}

/** Both versions of every part, and which parts to spoil. */
function partsOf(route: FuzzRoute, values: SchemaArbitraries) {
  return {
    method: {
      valid: fc.constant(route.method),
      hostile: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'FOO'),
    },
    path: pathPart(route, values),
    query: queryPart(route.querystring, values),
    headers: headersPart(route, values),
    contentType: { valid: fc.constant('application/json'), hostile: contentTypes },
    body: bodyPart(route, values),
  };
}

/**
 * Every request this generator makes for `route`. Most spoil one part, so it is that part the API
 * judges; some spoil none (they reach the handler and the database), some several.
 */
export function requestArb(route: FuzzRoute, values: SchemaArbitraries): fc.Arbitrary<FuzzRequest> {
  const parts = partsOf(route, values);
  const names = Object.keys(parts) as Array<keyof typeof parts>;
  const both = <T>(p: Part<T>) => fc.record({ valid: p.valid, hostile: p.hostile });
  return fc
    .record({
      identity: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<Identity>('user', 'admin') },
        { weight: 1, arbitrary: fc.constantFrom<Identity>('anonymous', 'forged') },
      ),
      forged: forgedTokens,
      spoiled: fc.oneof(
        { weight: 2, arbitrary: fc.constant([] as string[]) },
        { weight: 5, arbitrary: fc.constantFrom(...names).map((n) => [n as string]) },
        { weight: 3, arbitrary: fc.subarray(names as string[]) },
      ),
      method: both(parts.method),
      path: both(parts.path),
      query: both(parts.query),
      headers: both(parts.headers),
      contentType: both(parts.contentType),
      body: both(parts.body),
    })
    .map((r) => {
      const pick = <T>(name: string, p: { valid: T; hostile: T }) => (r.spoiled.includes(name) ? p.hostile : p.valid);
      const body = pick('body', r.body);
      return {
        identity: r.identity,
        method: pick('method', r.method),
        target: `${pick('path', r.path)}${pick('query', r.query)}`,
        headers: [
          ...(r.identity === 'forged' ? [['authorization', r.forged] as [string, string]] : []),
          ...(body ? [['content-type', pick('contentType', r.contentType)] as [string, string]] : []),
          ...pick('headers', r.headers),
        ],
        ...(body ? { body } : {}),
      };
    });
}

/** The bytes to send: a user's or admin's token put in as `authorization`. */
export function toRaw(req: FuzzRequest, token: string | undefined): RawRequest {
  return {
    method: req.method,
    target: req.target,
    headers: token ? [['authorization', `Bearer ${token}`], ...req.headers] : req.headers,
    ...(req.body ? { body: Buffer.from(req.body.text, req.body.encoding) } : {}),
  };
}
