import type { ProductDetail, ProductSummary } from '../routes/products/schemas.ts';

/** The columns a price is computed from. */
export interface PricedRow {
  priceCents: number;
  discountPercent: number;
  currency: string;
}

/** The review totals a trigger keeps on the product row. */
export interface RatedRow {
  reviewCount: number;
  ratingSum: number;
}

/** One row of a product list, as products-read.ts selects it. */
export interface SummaryRow extends PricedRow, RatedRow {
  id: number;
  slug: string;
  title: string;
  isAvailable: boolean;
  isFeatured: boolean;
  image: string | null;
  brandId: number;
  createdAt: Date;
}

/** The review as the detail's json_agg builds it: timestamps inside JSON are text. */
export type ReviewJson = Omit<ProductDetail['latestReviews'][number], 'createdAt'> & { createdAt: string };

/** The detail row: the product's columns plus brand, categories and latest reviews built as JSON. */
export interface DetailRow extends PricedRow, RatedRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  stock: number;
  isAvailable: boolean;
  isFeatured: boolean;
  images: string[];
  brand: ProductDetail['brand'];
  categories: ProductDetail['categories'];
  latestReviews: ReviewJson[];
  createdAt: Date;
  updatedAt: Date;
}

/** Price, discount and the price after it, rounded to the cent. */
export function priced(row: PricedRow) {
  const { priceCents, discountPercent, currency } = row;
  return {
    priceCents,
    discountPercent,
    finalPriceCents: Math.round((priceCents * (100 - discountPercent)) / 100),
    currency,
  };
}

/** The mean of all reviews to 2 decimals; null rather than 0 when there is none. */
export function rating(row: RatedRow): ProductSummary['rating'] {
  const count = row.reviewCount;
  return { average: count > 0 ? Math.round((row.ratingSum / count) * 100) / 100 : null, count };
}

export function toSummary(row: SummaryRow): ProductSummary {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    ...priced(row),
    isAvailable: row.isAvailable,
    isFeatured: row.isFeatured,
    image: row.image,
    brandId: row.brandId,
    rating: rating(row),
    createdAt: row.createdAt.toISOString(),
  };
}

export function toDetail(row: DetailRow): ProductDetail {
  return {
    ...priced(row),
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    stock: row.stock,
    isAvailable: row.isAvailable,
    isFeatured: row.isFeatured,
    images: row.images,
    brand: row.brand,
    categories: row.categories,
    rating: rating(row),
    latestReviews: row.latestReviews.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
