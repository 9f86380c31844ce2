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

/** The largest stock a product can hold: `products.stock` is a 32-bit integer. */
export const MAX_STOCK = 2_147_483_647;

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
    stock: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_STOCK,
        description:
          'Absolute stock. On update it needs If-Match (428 without): a value read earlier would undo the checkouts since. Prefer PATCH /admin/products/{id}/stock with a delta.',
      }),
    ),
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

/** Admin: a relative stock change, applied under the product's row lock (never below zero). */
export const StockAdjustment = Type.Object(
  {
    delta: Type.Integer({
      minimum: -MAX_STOCK,
      maximum: MAX_STOCK,
      description:
        'Units to add (goods received) or, negative, to remove (damaged, recounted). A result below 0 is a 409 API_ERR_STOCK_BELOW_ZERO and changes nothing.',
    }),
  },
  { additionalProperties: false },
);
export type StockAdjustment = Static<typeof StockAdjustment>;

// One entity tag, quoted, optionally weak (RFC 9110 8.8.3): etagc is any visible character but `"`.
const entityTag = '(W/)?"[\\x21\\x23-\\x7e]*"';

/** Conditional admin writes: a malformed If-Match is a 400, never a silent 412. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 1000,
      pattern: `^\\s*(\\*|${entityTag}(\\s*,\\s*${entityTag})*)\\s*$`,
      description:
        'The ETag of GET /products/{id} (or of a previous admin write) as you read it: the write is refused with 412 API_ERR_PRECONDITION_FAILED if the product has changed since. Strong comparison: weak tags never match.',
    }),
  ),
});
