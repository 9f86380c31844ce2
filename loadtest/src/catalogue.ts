// The real catalogue the scenarios draw from: every product id and title, every category and brand slug,
// read through the public API (so a scenario needs nothing but a base URL). About 510 requests for the
// default demo data (50k products by keyset cursor, 100 a page): run it where the rate limit is out of
// reach, or keep the result in a file (`catalogueFile`) and reuse it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Ref {
  id: number;
  slug: string;
}

export interface Catalogue {
  products: Array<{ id: number; title: string; priceCents: number }>;
  categories: Ref[];
  brands: Ref[];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function pages(baseUrl: string, resource: 'categories' | 'brands'): Promise<Ref[]> {
  const out: Ref[] = [];
  for (let page = 1; ; page++) {
    const body = await getJson<{ data: Ref[]; meta: { total: number } }>(
      `${baseUrl}/api/v1/${resource}?limit=100&page=${page}`,
    );
    out.push(...body.data.map(({ id, slug }) => ({ id, slug })));
    if (body.data.length === 0 || out.length >= body.meta.total) return out;
  }
}

export async function loadCatalogue(baseUrl: string): Promise<Catalogue> {
  const products: Catalogue['products'] = [];
  let cursor: string | null = null;
  do {
    const page: {
      data: Array<{ id: number; title: string; priceCents: number }>;
      meta: { nextCursor: string | null };
    } = await getJson(
      `${baseUrl}/api/v1/products?sort=newest&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    products.push(...page.data.map(({ id, title, priceCents }) => ({ id, title, priceCents })));
    cursor = page.meta.nextCursor;
  } while (cursor);
  const [categories, brands] = await Promise.all([pages(baseUrl, 'categories'), pages(baseUrl, 'brands')]);
  if (products.length === 0) throw new Error(`no products at ${baseUrl}: load the demo data first`);
  return { products, categories, brands };
}

/** The catalogue from `file` when it exists, else from the API (and written to `file`). */
export async function catalogueFor(baseUrl: string, file?: string): Promise<Catalogue> {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Catalogue;
  const catalogue = await loadCatalogue(baseUrl);
  if (file) writeFileSync(file, JSON.stringify(catalogue));
  return catalogue;
}
