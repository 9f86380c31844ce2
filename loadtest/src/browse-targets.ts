// The browse scenario: what anonymous shoppers request, one page view per request, drawn independently
// (an open model: arrivals do not wait for earlier answers). The mix and its distributions are stated here
// once and printed with every result (`describeBrowseMix`).
import type { Catalogue, Ref } from './catalogue.ts';
import { seededRandom, shuffled, weighted } from './random.ts';
import { type Zipf, zipf } from './zipf.ts';

export type BrowseKind = 'detail' | 'list' | 'category' | 'brand' | 'search' | 'nav';

export interface BrowseTarget {
  kind: BrowseKind;
  /** Path and query, to be appended to the base URL. */
  path: string;
}

/** Share of page views by kind. */
export const browseWeights: ReadonlyArray<readonly [BrowseKind, number]> = [
  ['detail', 0.5],
  ['list', 0.2],
  ['category', 0.12],
  ['brand', 0.08],
  ['search', 0.08],
  ['nav', 0.02],
];

/** Sort orders of list pages and their shares. */
export const sorts = [
  ['featured', 0.4],
  ['price_asc', 0.25],
  ['newest', 0.2],
  ['price_desc', 0.15],
] as const;
/** Price bands in cents, as a shop's facet offers them. */
export const priceBands = [
  [0, 10_000],
  [10_000, 25_000],
  [25_000, 50_000],
  [50_000, 100_000],
  [100_000, 200_000],
] as const;
/** Filters of plain list pages and their shares (`price` takes one of the bands). */
export const listFilters = [
  ['none', 0.5],
  ['available', 0.25],
  ['price', 0.15],
  ['available+price', 0.1],
] as const;
/** Queries shoppers type that the catalogue does not have (a search must also answer "nothing"). */
const missingWords = ['iphone', 'lego', 'charger', 'headphones', 'nike', 'xbox', 'vacuum', 'kindle'];

export interface BrowseOptions {
  /** Seeds the request stream: which product, page and sort each request picks. */
  seed?: number;
  /**
   * Seeds which products, categories, brands and words are popular. Separate from `seed` and the same for
   * every stream by default: shoppers keep liking the same things, so a warm-up stream and a measured one
   * must share their popular items (a cache warmed on other favourites would measure a cold start).
   */
  popularitySeed?: number;
  /** Zipf exponent of product, category, brand and search-word popularity. */
  popularityS?: number;
  /** Zipf exponent of page depth (page 1 is by far the most seen). */
  depthS?: number;
  /** Deepest page of a plain list, of a category or brand page, of a search. */
  listDepth?: number;
  facetDepth?: number;
  searchDepth?: number;
  pageSize?: number;
}

export const browseDefaults: Required<BrowseOptions> = {
  seed: 1,
  popularitySeed: 20261130,
  popularityS: 1,
  depthS: 1.5,
  listDepth: 50,
  facetDepth: 10,
  searchDepth: 5,
  pageSize: 20,
};

export function describeBrowseMix(o: BrowseOptions = {}): string {
  const x = { ...browseDefaults, ...o };
  const pct = (w: number) => `${Math.round(w * 100)}%`;
  return (
    `${browseWeights.map(([k, w]) => `${k} ${pct(w)}`).join(', ')}; products, categories, brands and search ` +
    `words Zipf(s=${x.popularityS}) over the whole catalogue in a shuffled order; page depth Zipf(s=${x.depthS}) ` +
    `up to ${x.listDepth} (lists), ${x.facetDepth} (category/brand), ${x.searchDepth} (search); ${x.pageSize} a page; ` +
    `sorts ${sorts.map(([s, w]) => `${s} ${pct(w)}`).join(', ')}; list filters ${listFilters
      .map(([f, w]) => `${f} ${pct(w)}`)
      .join(', ')} (${priceBands.length} price bands); searches: one title word 60%, two adjacent title words ` +
    `30%, a word the catalogue lacks 10%; nav = /categories/:id or /brands/:id`
  );
}

/** Search words ranked by how often they occur in product titles (the most common first). */
export function titleWords(titles: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const title of titles)
    for (const word of title.toLowerCase().match(/[a-z]{3,}/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
}

export interface BrowseGenerator {
  next(): BrowseTarget;
  /** The next target of one kind (benchmarks of one route use the same distributions). */
  nextOf(kind: BrowseKind): BrowseTarget;
}

export function browseGenerator(catalogue: Catalogue, options: BrowseOptions = {}): BrowseGenerator {
  const o = { ...browseDefaults, ...options };
  if (catalogue.products.length === 0) throw new Error('browse: the catalogue has no products');
  const random = seededRandom(o.seed);
  const popularity = seededRandom(o.popularitySeed);
  // Popularity is a random permutation of the catalogue: rank 0 is some product, not the newest id.
  const popular = <T>(items: readonly T[]): { pick: () => T } => {
    const order = shuffled(items, popularity);
    const z: Zipf | undefined = order.length > 0 ? zipf(order.length, o.popularityS, random) : undefined;
    return { pick: () => order[(z as Zipf).next()] as T };
  };
  const products = popular(catalogue.products);
  const categories = popular(catalogue.categories);
  const brands = popular(catalogue.brands);
  const words = titleWords(catalogue.products.map((p) => p.title));
  const wordZipf = zipf(Math.max(words.length, 1), o.popularityS, random);
  const depth = (max: number) => {
    const z = zipf(max, o.depthS, random);
    return () => z.next() + 1;
  };
  const listPage = depth(o.listDepth);
  const facetPage = depth(o.facetDepth);
  const searchPage = depth(o.searchDepth);
  const sort = () => weighted(sorts, random);

  const query = (params: Record<string, string | number | boolean>) =>
    Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');

  const listFilter = (): Record<string, string | number | boolean> => {
    const f = weighted(listFilters, random);
    const band = priceBands[Math.floor(random() * priceBands.length)] as readonly [number, number];
    const price = { minPrice: band[0], maxPrice: band[1] };
    if (f === 'available') return { isAvailable: true };
    if (f === 'price') return price;
    if (f === 'available+price') return { isAvailable: true, ...price };
    return {};
  };

  const searchQuery = (): string => {
    const r = random();
    if (r < 0.1 || words.length === 0) return missingWords[Math.floor(random() * missingWords.length)] as string;
    if (r < 0.7) return words[wordZipf.next()] as string;
    const title =
      products
        .pick()
        .title.toLowerCase()
        .match(/[a-z]{3,}/g) ?? [];
    if (title.length < 2) return words[wordZipf.next()] as string;
    const i = Math.floor(random() * (title.length - 1));
    return `${title[i]} ${title[i + 1]}`;
  };

  const facet = (kind: 'category' | 'brand', ref: Ref): BrowseTarget => ({
    kind,
    path: `/api/v1/products?${query({ [kind]: ref.slug, sort: sort(), page: facetPage(), limit: o.pageSize })}`,
  });

  const nextOf = (kind: BrowseKind): BrowseTarget => {
    switch (kind) {
      case 'detail':
        return { kind, path: `/api/v1/products/${products.pick().id}` };
      case 'list':
        return {
          kind,
          path: `/api/v1/products?${query({ ...listFilter(), sort: sort(), page: listPage(), limit: o.pageSize })}`,
        };
      case 'category':
        return catalogue.categories.length ? facet('category', categories.pick()) : nextOf('list');
      case 'brand':
        return catalogue.brands.length ? facet('brand', brands.pick()) : nextOf('list');
      case 'search':
        return {
          kind,
          path: `/api/v1/products?${query({ q: searchQuery(), page: searchPage(), limit: o.pageSize })}`,
        };
      case 'nav': {
        const useBrand = random() < 0.5 && catalogue.brands.length > 0;
        if (!useBrand && catalogue.categories.length === 0) return nextOf('detail');
        return {
          kind,
          path: useBrand ? `/api/v1/brands/${brands.pick().id}` : `/api/v1/categories/${categories.pick().id}`,
        };
      }
    }
  };

  return { next: () => nextOf(weighted(browseWeights, random)), nextOf };
}

/** Targets in vegeta's `http` format: one `GET url` per target, blank-line separated. */
export function vegetaTargets(baseUrl: string, paths: Iterable<string>): string {
  const lines: string[] = [];
  for (const path of paths) lines.push(`GET ${baseUrl}${path}\n`);
  return lines.join('\n');
}
