// Values for a JSON schema, good and hostile, as fast-check arbitraries. Valid values get a request
// past validation into the handler (and the database); hostile ones test the edges: numbers JSON.stringify
// cannot write (1e309), NUL, lone surrogates, RTL and emoji, SQL and JSON injection shapes, wrong types,
// prototype-pollution keys, sizes past every limit.
import fc from 'fast-check';

/** The part of JSON Schema the route schemas use (TypeBox output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  pattern?: string;
  format?: string;
}

/** Strings that have broken servers: encodings, injections, special names, sizes. */
export const nastyStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDBFF',
  '\u202Egnp.exe',
  '\u200F\u200E\u061C',
  'مرحبا بالعالم',
  '👩‍👩‍👧‍👦🇺🇳',
  'Z̴̡̛͓a̶l̵g̸o̷',
  '\uFEFF{}',
  '\r\n\r\n',
  "' OR '1'='1",
  "'; DROP TABLE products; --",
  '1); SELECT pg_sleep(30); --',
  '$$; SELECT 1; $$',
  '\\',
  '%_%',
  '{"$gt":""}',
  '{"__proto__":{"role":"admin"}}',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  `\${7*7}{{7*7}}`,
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1',
  '0x1F',
  '１２３',
  '٣',
  'null',
  'true',
  '"unterminated',
  '!!! & | :* ( -',
  'a'.repeat(201),
  'é'.repeat(5001),
];

/** Numbers as JSON text, including those JSON.stringify cannot write. */
export const numberTexts: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '1e309',
    '-1e309',
    '1e-400',
    '-0',
    '0',
    '-1',
    '1.5',
    '2147483648',
    '-2147483649',
    '9007199254740992',
    '9007199254740993',
    '18446744073709551616',
    '1e20',
    '0.1e1',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
);

/** Strings mixing lone surrogates, NUL, RTL marks and emoji with plain letters. */
const surrogateSoup = fc.string({
  unit: fc.constantFrom('a', '\uD800', '\uDC00', '\u0000', '\u202E', 'é', '😀', '"', '\\', "'"),
  maxLength: 12,
});

/** Any string worth sending where a string goes. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...nastyStrings) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: surrogateSoup },
);

/** Object keys that target prototypes and mass assignment. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'id', 'isAdmin', 'userId', '', '\u0000'),
  hostileString,
);

/** Arbitraries for the values of JSON schemas; valid ids are drawn from `ids` (the caller's fixtures). */
export interface SchemaArbitraries {
  /** A value the schema accepts (as far as a generator can tell; a pattern is matched, a format imitated). */
  valid(schema: JsonSchema): fc.Arbitrary<unknown>;
  /** Any JSON text where a value of `schema` goes: a wrong type, an edge number, a poisoned object. */
  hostile(schema: JsonSchema | undefined): fc.Arbitrary<string>;
  /**
   * JSON text of an object of `schema`: valid at the start, then up to two properties replaced by
   * hostile values and, sometimes, unknown or poisoned keys added (duplicates allowed, as in a raw body).
   */
  object(schema: JsonSchema): fc.Arbitrary<string>;
}

const isId = (s: JsonSchema) => s.type === 'integer' && s.minimum === 1 && s.maximum === Number.MAX_SAFE_INTEGER;

/** Ids of `fixtures` (they exist) and ids that exist nowhere (never issued, or past int4). */
export function schemaArbitraries(fixtures: number[]): SchemaArbitraries {
  const ids = [...fixtures, 2 ** 31, 9_000_000_000_000_000, Number.MAX_SAFE_INTEGER];

  const valid = (schema: JsonSchema): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (schema.anyOf) return fc.oneof(...schema.anyOf.map(valid));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        if (isId(schema)) return fc.constantFrom(...ids);
        return fc.integer({ min: schema.minimum ?? -(2 ** 31), max: Math.min(schema.maximum ?? 2 ** 31, 2 ** 53 - 1) });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
      case 'string':
        return validString(schema);
      case 'array': {
        const item = valid(schema.items ?? {});
        const maxLength = Math.min(schema.maxItems ?? 5, 5);
        return schema.uniqueItems ? fc.uniqueArray(item, { maxLength }) : fc.array(item, { maxLength });
      }
      case 'object':
        return validObject(schema);
      default:
        return fc.constant('x');
    }
  };

  /** Every required property and some optional ones, each valid. */
  const validObject = (schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> => {
    const model = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, valid(s)]));
    return fc.record(model, { requiredKeys: schema.required ?? [] });
  };

  const hostile = (schema: JsonSchema | undefined): fc.Arbitrary<string> => {
    const leaf = fc.oneof(
      numberTexts,
      hostileString.map((s) => JSON.stringify(s)),
      fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '[null]', '[[[[[[[[[[1]]]]]]]]]]'),
      fc.constantFrom('{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"role":"admin"}}}'),
    );
    const nested = fc.oneof(
      fc.array(leaf, { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(hostileKey, leaf), { maxLength: 3 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    );
    // The right value in the wrong shape: a list of two where one is expected.
    const near = schema ? valid(schema).map((v) => JSON.stringify([v, v])) : fc.constant('[]');
    return fc.oneof({ weight: 5, arbitrary: leaf }, { weight: 2, arbitrary: nested }, { weight: 1, arbitrary: near });
  };

  const object = (schema: JsonSchema): fc.Arbitrary<string> => {
    const keys = Object.keys(schema.properties ?? {});
    return fc
      .record({
        start: validObject(schema),
        spoiled: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }),
        values: fc.tuple(...keys.map((k) => hostile(schema.properties?.[k]))),
        extra: fc.array(fc.tuple(hostileKey, hostile(undefined)), { maxLength: 2 }),
      })
      .map(({ start, spoiled, values, extra }) => {
        const entries = Object.entries(start)
          .filter(([k]) => !spoiled.includes(k))
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
        for (const k of spoiled) entries.push(`${JSON.stringify(k)}:${values[keys.indexOf(k)]}`);
        for (const [k, v] of extra) entries.push(`${JSON.stringify(k)}:${v}`);
        return `{${entries.join(',')}}`;
      });
  };

  return { valid, hostile, object };
}

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? 60;
  const fits = (v: string) => v.length >= min && v.length <= max;
  if (s.format === 'email') return fc.emailAddress().filter(fits);
  if (s.format === 'uri') return fc.webUrl().filter(fits);
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  return fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 40) });
}
