import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BrandRow, toBrand, updateBrandQuery } from './brands.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

const row: BrandRow = {
  id: 3,
  slug: 'acme',
  title: 'Acme',
  description: null,
  logoUrl: 'https://img.example/acme.png',
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-02T03:04:05.678Z'),
};

describe('toBrand', () => {
  const cases: Array<{ name: string; row: BrandRow; expected: ReturnType<typeof toBrand> }> = [
    // Every field, camelCase, timestamps as ISO strings.
    {
      name: 'brand with a logo',
      row,
      expected: {
        id: 3,
        slug: 'acme',
        title: 'Acme',
        description: null,
        logoUrl: 'https://img.example/acme.png',
        createdAt: '2026-01-02T03:04:05.678Z',
        updatedAt: '2026-01-02T03:04:05.678Z',
      },
    },
    // Nullable fields stay null, not undefined (the response schema requires them).
    {
      name: 'brand without logo',
      row: { ...row, logoUrl: null, description: 'd' },
      expected: { ...toBrand(row), logoUrl: null, description: 'd' },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(toBrand(c.row), c.expected));
});

describe('brand SQL', () => {
  const cases: SqlCase[] = [
    // An explicit null clears the logo; fields the body leaves out are not written.
    {
      name: 'update: logo cleared',
      query: () => updateBrandQuery(db, 1, { logoUrl: null }),
      has: ['update "brands" set "logo_url" = $1, "updated_at" = now() where "brands"."id" = $2 returning'],
      params: [null, 1],
    },
    // Several fields, in the table's column order.
    {
      name: 'update: slug and title',
      query: () => updateBrandQuery(db, 1, { title: 'T', slug: 's' }),
      has: ['set "slug" = $1, "title" = $2, "updated_at" = now()'],
      params: ['s', 'T', 1],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
