import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browseGenerator, browseWeights, titleWords, vegetaTargets } from './browse-targets.ts';
import type { Catalogue } from './catalogue.ts';

const catalogue: Catalogue = {
  products: Array.from({ length: 1000 }, (_, i) => ({
    id: i + 1,
    title: `${['Rustic', 'Sleek', 'Small'][i % 3]} ${['Steel', 'Wooden'][i % 2]} Chair`,
    priceCents: 1000 + i,
  })),
  categories: [
    { id: 1, slug: 'home' },
    { id: 2, slug: 'garden-tools' },
  ],
  brands: [{ id: 9, slug: 'acme' }],
};

test('the browse mix draws each kind at its stated share', () => {
  const gen = browseGenerator(catalogue, { seed: 5 });
  const n = 50_000;
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = gen.next();
    counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  }
  for (const [kind, weight] of browseWeights) {
    const share = (counts.get(kind) ?? 0) / n;
    assert.ok(Math.abs(share - weight) < 0.01, `${kind}: ${share} vs ${weight}`);
  }
});

test('targets are valid API paths built from the catalogue', () => {
  const gen = browseGenerator(catalogue, { seed: 9 });
  const ids = new Set(catalogue.products.map((p) => p.id));
  for (let i = 0; i < 5000; i++) {
    const { kind, path } = gen.next();
    const url = new URL(path, 'http://x');
    if (kind === 'detail') {
      assert.match(path, /^\/api\/v1\/products\/\d+$/);
      assert.ok(ids.has(Number(path.split('/').at(-1))));
    } else if (kind === 'nav') {
      assert.match(path, /^\/api\/v1\/(brands\/9|categories\/[12])$/);
    } else {
      assert.equal(url.pathname, '/api/v1/products');
      const page = Number(url.searchParams.get('page'));
      assert.ok(page >= 1 && page <= 50, path);
      assert.equal(url.searchParams.get('limit'), '20');
      if (kind === 'category') assert.ok(['home', 'garden-tools'].includes(String(url.searchParams.get('category'))));
      if (kind === 'brand') assert.equal(url.searchParams.get('brand'), 'acme');
      if (kind === 'search') assert.ok((url.searchParams.get('q') ?? '').length > 0);
      const min = url.searchParams.get('minPrice');
      if (min !== null) assert.ok(Number(min) < Number(url.searchParams.get('maxPrice')));
    }
  }
});

test('popularity is skewed and not the id order: a few products get most views, the tail is reached', () => {
  const gen = browseGenerator(catalogue, { seed: 3 });
  const views = new Map<number, number>();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const id = Number(gen.nextOf('detail').path.split('/').at(-1));
    views.set(id, (views.get(id) ?? 0) + 1);
  }
  const ranked = [...views].sort((a, b) => b[1] - a[1]);
  const top10 = ranked.slice(0, 10).reduce((s, [, v]) => s + v, 0) / n;
  // Zipf(s=1) over 1000 items: the top 10 have H(10)/H(1000) ≈ 0.39 of the views.
  assert.ok(top10 > 0.35 && top10 < 0.43, `top 10 share ${top10}`);
  assert.ok(views.size > 900, `distinct products viewed: ${views.size}`);
  assert.notDeepEqual(
    ranked.slice(0, 5).map(([id]) => id),
    [1, 2, 3, 4, 5],
  );
});

test('page depth falls off: page 1 is the most requested list page', () => {
  const gen = browseGenerator(catalogue, { seed: 4 });
  const pages = new Map<number, number>();
  for (let i = 0; i < 20_000; i++) {
    const page = Number(new URL(gen.nextOf('list').path, 'http://x').searchParams.get('page'));
    pages.set(page, (pages.get(page) ?? 0) + 1);
  }
  assert.ok((pages.get(1) ?? 0) > (pages.get(2) ?? 0));
  assert.ok((pages.get(2) ?? 0) > (pages.get(10) ?? 0));
  assert.ok((pages.get(1) ?? 0) / 20_000 > 0.35);
});

test('the same seed gives the same targets', () => {
  const a = browseGenerator(catalogue, { seed: 11 });
  const b = browseGenerator(catalogue, { seed: 11 });
  const c = browseGenerator(catalogue, { seed: 12 });
  const xs = Array.from({ length: 50 }, () => a.next().path);
  assert.deepEqual(
    xs,
    Array.from({ length: 50 }, () => b.next().path),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 50 }, () => c.next().path),
  );
});

test('search words are ranked by how often titles use them', () => {
  assert.deepEqual(titleWords(['Red Steel Chair', 'Blue Steel Chair', 'Red Oak Table', 'A Chair']).slice(0, 3), [
    'chair',
    'red',
    'steel',
  ]);
});

test('vegeta targets: one GET line per path, blank-line separated', () => {
  assert.equal(vegetaTargets('http://h:1', ['/a', '/b?q=x%20y']), 'GET http://h:1/a\n\nGET http://h:1/b?q=x%20y\n');
});

test('streams with different seeds share their favourites; another popularity seed changes them', () => {
  const top = (options: { seed: number; popularitySeed?: number }) => {
    const gen = browseGenerator(catalogue, options);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const { path } = gen.nextOf('detail');
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  };
  assert.equal(top({ seed: 1 }), top({ seed: 2 }), 'a warm-up and a measurement see the same best seller');
  assert.notEqual(top({ seed: 1 }), top({ seed: 1, popularitySeed: 7 }));
});
