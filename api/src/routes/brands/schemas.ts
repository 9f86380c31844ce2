import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, Nullable, PageMeta, PageQuery, Slug, Timestamp } from '../../schemas/common.ts';

export const BrandListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const Brand = Type.Object({
  id: Id,
  slug: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  logoUrl: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Brand = Static<typeof Brand>;

export const BrandList = Type.Object({ data: Type.Array(Brand), meta: PageMeta });

export const BrandCreate = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    logoUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type BrandCreate = Static<typeof BrandCreate>;
export const BrandUpdate = Type.Partial(BrandCreate, { additionalProperties: false, minProperties: 1 });
export type BrandUpdate = Static<typeof BrandUpdate>;
