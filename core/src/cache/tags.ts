/**
 * Cache tags and the invalidation channel, shared so that anything that writes the catalogue (API
 * admin routes, a future import job, an admin tool) invalidates the same way the API caches.
 *
 * A cached value carries tags; invalidating a tag drops every value that carries it, in Redis (the
 * tag's generation changes, see docs/cache.md) and in every API instance's memory (a message on
 * `cacheInvalidationChannel`).
 */
export const cacheTags = {
  /** Every cached value: invalidating it empties the cache (used after Redis was unreachable for a write). */
  all: '*',
  /** One product's detail. */
  product: (id: number) => `product:${id}`,
  /** Every product list and count (any product write can move a product in or out of a list). */
  products: 'products',
  category: (id: number) => `category:${id}`,
  /** The category listing, and product lists filtered by a category slug. */
  categories: 'categories',
  brand: (id: number) => `brand:${id}`,
  /** The brand listing, and product lists filtered by a brand slug. */
  brands: 'brands',
} as const;

/** Pub/sub channel of the cache Redis: message `{"tags":[...],"origin":"<instance id>"}`. */
export const cacheInvalidationChannel = 'avelon:cache:invalidate';

/** Redis key of a tag's current generation (a random token; a new one invalidates the tag). */
export const cacheTagKey = (tag: string) => `avelon:cache:tag:${tag}`;

/** Redis key of one cached value. */
export const cacheValueKey = (cls: string, key: string) => `avelon:cache:v:${cls}:${key}`;

/** The message published on `cacheInvalidationChannel`. */
export interface CacheInvalidationMessage {
  tags: string[];
  origin: string;
}
