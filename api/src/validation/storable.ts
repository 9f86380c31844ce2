import { AjvCompiler, type ErrorObject } from '@fastify/ajv-compiler';

/** Where a request value cannot be stored or compared by Postgres, as a schema error; undefined if it can. */
export function unstorable(value: unknown, path = ''): ErrorObject | undefined {
  if (typeof value === 'string') {
    // Postgres text cannot hold NUL: it would fail in the database as a 500.
    return value.includes('\u0000') ? schemaError(path, 'must not contain a NUL character') : undefined;
  }
  if (typeof value === 'number') {
    // Ajv coerces a query string such as "1e309" to Infinity and then skips minimum/maximum; JSON.parse
    // turns 1e309 in a body into Infinity as well. No column takes Infinity or NaN.
    return Number.isFinite(value) ? undefined : schemaError(path, 'must be a finite number');
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const error = unstorable(item, `${path}/${i}`);
      if (error) return error;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const error = unstorable(key, path) ?? unstorable(item, `${path}/${key}`);
      if (error) return error;
    }
  }
  return undefined;
}

function schemaError(instancePath: string, message: string): ErrorObject {
  return { instancePath, schemaPath: '#', keyword: 'storable', params: {}, message };
}

type BuildValidator = ReturnType<typeof AjvCompiler>;

/**
 * Fastify's Ajv validator compiler, wrapped: after a part of the request (body, query, params, headers)
 * matches its schema, it must also be storable. One rule for every route, present and future, instead
 * of a pattern on each string and a bound on each number of each schema.
 */
export function storableValidatorFactory(): BuildValidator {
  const base = AjvCompiler();
  return ((externalSchemas, options) => {
    const compile = base(externalSchemas, options);
    return (route: Parameters<typeof compile>[0]) => {
      const validate = compile(route) as ((...args: unknown[]) => unknown) & { errors?: unknown };
      const checked = (...args: unknown[]) => {
        if (validate(...args) === false) return false;
        const error = unstorable(args[0]);
        return error ? { error: [error] } : true;
      };
      // Fastify reads the schema errors from the function when it returns false.
      Object.defineProperty(checked, 'errors', { get: () => validate.errors });
      return checked;
    };
  }) as BuildValidator;
}
