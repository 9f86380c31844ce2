import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CategoryRow,
  categoryDetailQuery,
  deleteCategoryQuery,
  toCategory,
  updateCategoryQuery,
} from './categories.ts';
import { checkSql, sqlOnlyDb as db, type SqlCase } from './sql-only-db.ts';

const row: CategoryRow = {
  id: 7,
  slug: 'shoes',
  title: 'Shoes',
  description: null,
  parentId: null,
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-01-03T00:00:00.000Z'),
};

describe('toCategory', () => {
  const cases: Array<{ name: string; row: CategoryRow; expected: Partial<ReturnType<typeof toCategory>> }> = [
    // The JSON the API returns: camelCase, ISO timestamps, nulls kept.
    {
      name: 'top-level category',
      row,
      expected: { id: 7, parentId: null, description: null, createdAt: '2026-01-02T03:04:05.678Z' },
    },
    // A child keeps its parent's id as a number.
    {
      name: 'child category',
      row: { ...row, parentId: 3, description: 'd' },
      expected: { parentId: 3, description: 'd' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const dto = toCategory(c.row);
      for (const [key, value] of Object.entries(c.expected)) assert.deepEqual(dto[key as keyof typeof dto], value, key);
      assert.deepEqual(Object.keys(dto), ['id', 'slug', 'title', 'description', 'parentId', 'createdAt', 'updatedAt']);
    });
  }
});

describe('category SQL', () => {
  const cases: SqlCase[] = [
    // The parent and children subqueries bind to their aliases, correlated with the outer row by table name.
    {
      name: 'detail: one query with parent and children',
      query: () => categoryDetailQuery(db, 5),
      has: [
        'from "categories" "p" where "p"."id" = "categories"."parent_id"',
        'from "categories" "ch" where "ch"."parent_id" = "categories"."id"',
        'where "categories"."id" = $1',
      ],
      params: [5],
    },
    // Only the fields the body carries are set (no mass assignment), plus updated_at.
    {
      name: 'update: title only',
      query: () => updateCategoryQuery(db, 5, { title: 'T' }),
      has: ['set "title" = $1, "updated_at" = now() where ("categories"."id" = $2 and true)'],
      params: ['T', 5],
    },
    // An explicit null clears the field; a new parent must exist, checked in the same statement.
    {
      name: 'update: description cleared, new parent checked',
      query: () => updateCategoryQuery(db, 5, { description: null, parentId: 2 }),
      has: [
        'set "description" = $1, "parent_id" = $2, "updated_at" = now()',
        'exists (select 1 from "categories" "p" where "p"."id" = $4)',
      ],
      params: [null, 2, 5, 2],
    },
    // Delete and re-parent the children in one statement.
    {
      name: 'delete: children move to the top level',
      query: () => deleteCategoryQuery(db, 5),
      has: [
        'with "d" as (delete from "categories" where "categories"."id" = $1 returning "id")',
        '"o" as (update "categories" set "parent_id" = $2, "updated_at" = now() where "categories"."parent_id" in (select "id" from "d")',
        'select "id" from "d"',
      ],
      params: [5, null],
    },
  ];
  for (const c of cases) it(c.name, () => checkSql(c));
});
