import { type TSchema, Type } from '@fastify/type-provider-typebox';
import { apiErrors } from '../errors.ts';

/** A database id: a positive integer JavaScript can hold exactly (bigger is a 400, never a 500). */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Slug = Type.String({ minLength: 1, maxLength: 120, pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' });
export const Timestamp = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** `{ error: { code, message, details? } }`, the shape of every error response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Union(Object.keys(apiErrors).map((code) => Type.Literal(code))),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'Every error: a stable code (docs/api-errors.md) and a message.' },
);

/** The error responses a route documents, by status. */
export function errors(...statuses: number[]): Record<number, typeof ErrorResponse> {
  return Object.fromEntries([400, ...statuses, 429, 500, 503].map((s) => [s, ErrorResponse]));
}

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export const PageMeta = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
});

/** Security requirement of routes behind a bearer token (OpenAPI). */
export const bearer = [{ bearer: [] }];

/** 204: nothing in the body. */
export const NoContent = Type.Null({ description: 'No content.' });
