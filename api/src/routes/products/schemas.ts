import { MAX_PRICE_CENTS } from '@avelon/core';
import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, Nullable, PageQuery, Slug, Timestamp } from '../../schemas/common.ts';

export const sorts = ['featured', 'price_asc', 'price_desc', 'newest'] as const;
export type Sort = (typeof sorts)[number];

/** A category or brand filter: its id or its slug. */
const IdOrSlug = Type.String({ minLength: 1, maxLength: 120, pattern: '^([1-9][0-9]{0,15}|[a-z0-9]+(-[a-z0-9]+)*)$' });

export const ProductListQuery = Type.Object(
  {
    ...PageQuery,
    category: Type.Optional(IdOrSlug),
    brand: Type.Optional(IdOrSlug),
    isAvailable: Type.Optional(Type.Boolean()),
    minPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Cents.' })),
    maxPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Cents.' })),
    sort: Type.Optional(
      Type.Union(
        sorts.map((s) => Type.Literal(s)),
        { default: 'featured' },
      ),
    ),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search (websearch syntax).' }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description: 'meta.nextCursor of the previous page (keyset paging).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;

const Rating = Type.Object({
  average: Nullable(Type.Number({ description: 'Mean of all reviews, 2 decimals; null without reviews.' })),
  count: Type.Integer(),
});

export const ProductSummary = Type.Object({
  id: Id,
  slug: Type.String(),
  title: Type.String(),
  priceCents: Type.Integer(),
  discountPercent: Type.Integer(),
  finalPriceCents: Type.Integer({ description: 'Price after the discount, in cents.' }),
  currency: Type.String(),
  isAvailable: Type.Boolean(),
  isFeatured: Type.Boolean(),
  image: Nullable(Type.String()),
  brandId: Id,
  rating: Rating,
  createdAt: Timestamp,
});
export type ProductSummary = Static<typeof ProductSummary>;

export const ProductList = Type.Object({
  data: Type.Array(ProductSummary),
  meta: Type.Object({
    page: Nullable(Type.Integer({ description: 'null when paging by cursor.' })),
    limit: Type.Integer(),
    total: Type.Integer({ description: 'All products matching the filters (counted once per filter set and cached).' }),
    nextCursor: Nullable(Type.String()),
  }),
});
export type ProductList = Static<typeof ProductList>;

const Ref = Type.Object({ id: Id, slug: Type.String(), title: Type.String() });

export const ProductDetail = Type.Object({
  id: Id,
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  priceCents: Type.Integer(),
  discountPercent: Type.Integer(),
  finalPriceCents: Type.Integer(),
  currency: Type.String(),
  stock: Type.Integer(),
  isAvailable: Type.Boolean(),
  isFeatured: Type.Boolean(),
  images: Type.Array(Type.String()),
  brand: Ref,
  categories: Type.Array(Ref),
  rating: Rating,
  latestReviews: Type.Array(
    Type.Object({
      id: Id,
      rating: Type.Integer(),
      body: Type.String(),
      author: Nullable(Type.String()),
      createdAt: Timestamp,
    }),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ProductDetail = Static<typeof ProductDetail>;

/** Admin: create. Unknown fields are rejected (no mass assignment). */
export const ProductCreate = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    brandId: Id,
    priceCents: Type.Integer({ minimum: 0, maximum: MAX_PRICE_CENTS, description: 'Cents; at most MAX_PRICE_CENTS.' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    discountPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    isAvailable: Type.Optional(Type.Boolean()),
    isFeatured: Type.Optional(Type.Boolean()),
    images: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 500 }), { maxItems: 20 })),
    categoryIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ProductCreate = Static<typeof ProductCreate>;

/** Admin: partial update; at least one field. */
export const ProductUpdate = Type.Partial(ProductCreate, { additionalProperties: false, minProperties: 1 });
export type ProductUpdate = Static<typeof ProductUpdate>;
