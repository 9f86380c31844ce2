import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DetailRow, priced, rating, type SummaryRow, toDetail, toSummary } from './products-dto.ts';

test('the final price is the price less the discount, rounded to the cent', () => {
  const cases: Array<[priceCents: number, discountPercent: number, finalPriceCents: number, why: string]> = [
    [1000, 0, 1000, 'no discount'],
    [1000, 25, 750, 'an exact quarter'],
    [999, 10, 899, '899.1 rounds down'],
    [995, 10, 896, '895.5 rounds half up'],
    [1000, 100, 0, 'a full discount is free'],
    [0, 50, 0, 'a free product stays free'],
    [2_000_000_000, 33, 1_340_000_000, 'a price near the column limit stays exact'],
  ];
  for (const [priceCents, discountPercent, finalPriceCents, why] of cases) {
    assert.deepEqual(
      priced({ priceCents, discountPercent, currency: 'EUR' }),
      { priceCents, discountPercent, finalPriceCents, currency: 'EUR' },
      why,
    );
  }
});

test('the rating is the mean to 2 decimals, and null without reviews', () => {
  const cases: Array<[reviewCount: number, ratingSum: number, average: number | null, why: string]> = [
    [0, 0, null, 'no reviews: null, not 0'],
    [1, 5, 5, 'one review'],
    [3, 13, 4.33, '4.333… to 2 decimals'],
    [3, 14, 4.67, '4.666… rounds up'],
    [8, 20, 2.5, 'an exact half'],
  ];
  for (const [reviewCount, ratingSum, average, why] of cases) {
    assert.deepEqual(rating({ reviewCount, ratingSum }), { average, count: reviewCount }, why);
  }
});

const created = new Date('2026-11-30T02:17:00.123Z');

test('a list row becomes a summary', () => {
  const row: SummaryRow = {
    id: 7,
    slug: 'red-shoe',
    title: 'Red shoe',
    priceCents: 1000,
    discountPercent: 20,
    currency: 'USD',
    isAvailable: true,
    isFeatured: false,
    image: null,
    brandId: 3,
    reviewCount: 0,
    ratingSum: 0,
    createdAt: created,
  };
  assert.deepEqual(toSummary(row), {
    id: 7,
    slug: 'red-shoe',
    title: 'Red shoe',
    priceCents: 1000,
    discountPercent: 20,
    finalPriceCents: 800,
    currency: 'USD',
    isAvailable: true,
    isFeatured: false,
    image: null,
    brandId: 3,
    rating: { average: null, count: 0 },
    createdAt: '2026-11-30T02:17:00.123Z',
  });
});

test('a detail row becomes a detail; review timestamps from JSON become ISO', () => {
  const row: DetailRow = {
    id: 7,
    slug: 'red-shoe',
    title: 'Red shoe',
    description: 'Bright.',
    priceCents: 999,
    discountPercent: 10,
    currency: 'USD',
    stock: 4,
    isAvailable: true,
    isFeatured: true,
    images: ['https://img.example/1.jpg'],
    reviewCount: 2,
    ratingSum: 9,
    createdAt: created,
    updatedAt: new Date('2026-11-30T03:00:00.000Z'),
    brand: { id: 3, slug: 'acme', title: 'Acme' },
    categories: [{ id: 1, slug: 'shoes', title: 'Shoes' }],
    latestReviews: [{ id: 5, rating: 4, body: 'Good', author: null, createdAt: '2026-11-29T10:00:00.123456+00:00' }],
  };
  assert.deepEqual(toDetail(row), {
    id: 7,
    slug: 'red-shoe',
    title: 'Red shoe',
    description: 'Bright.',
    priceCents: 999,
    discountPercent: 10,
    finalPriceCents: 899,
    currency: 'USD',
    stock: 4,
    isAvailable: true,
    isFeatured: true,
    images: ['https://img.example/1.jpg'],
    brand: { id: 3, slug: 'acme', title: 'Acme' },
    categories: [{ id: 1, slug: 'shoes', title: 'Shoes' }],
    rating: { average: 4.5, count: 2 },
    latestReviews: [{ id: 5, rating: 4, body: 'Good', author: null, createdAt: '2026-11-29T10:00:00.123Z' }],
    createdAt: '2026-11-30T02:17:00.123Z',
    updatedAt: '2026-11-30T03:00:00.000Z',
  });
});
