import { schema } from '@avelon/core';
import { and, count, eq, exists, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { alias, QueryBuilder } from 'drizzle-orm/pg-core';
import type { Category, CategoryCreate, CategoryDetail, CategoryUpdate } from '../routes/categories/schemas.ts';
import type { Runner } from './runner.ts';

const { categories } = schema;
export type CategoryRow = typeof categories.$inferSelect;
type Ref = CategoryDetail['children'][number];

export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    parentId: row.parentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A page of categories by id, and the total (a small table: counting it is cheap). */
export async function listCategories(db: Runner, limit: number, page: number) {
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(categories)
      .orderBy(categories.id)
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ n: count() }).from(categories),
  ]);
  return { data: rows.map(toCategory), meta: { page, limit, total: total[0]?.n ?? 0 } };
}

const parent = alias(categories, 'p');
const child = alias(categories, 'ch');
// Correlated subqueries built with the builder: columns in a single-table select's raw `sql` fields
// lose their table name, which in a subquery would bind them to the wrong table.
const qb = new QueryBuilder();
const parentRef = qb
  .select({ ref: sql`json_build_object('id', ${parent.id}, 'slug', ${parent.slug}, 'title', ${parent.title})` })
  .from(parent)
  .where(eq(parent.id, categories.parentId));
const childRefs = qb
  .select({
    refs: sql`coalesce(json_agg(json_build_object('id', ${child.id}, 'slug', ${child.slug}, 'title', ${child.title}) ORDER BY ${child.id}), '[]')`,
  })
  .from(child)
  .where(eq(child.parentId, categories.id));

/** One category with its parent and children, as JSON subqueries: one query. */
export function categoryDetailQuery(db: Runner, id: number) {
  return db
    .select({
      ...getTableColumns(categories),
      parent: sql<Ref | null>`${parentRef}`,
      children: sql<Ref[]>`${childRefs}`,
    })
    .from(categories)
    .where(eq(categories.id, id));
}

export async function categoryDetail(db: Runner, id: number): Promise<CategoryDetail | undefined> {
  const [row] = await categoryDetailQuery(db, id);
  return row && { ...toCategory(row), parent: row.parent ?? null, children: row.children };
}

// categories.parent_id has no foreign key: the parent's existence is checked in the same statement.
const parentOk = (parentId: number | null | undefined): SQL =>
  parentId === undefined || parentId === null
    ? sql`true`
    : exists(qb.select({ one: sql`1` }).from(parent).where(eq(parent.id, parentId)));

/** Inserts a category if its parent (when named) exists; undefined when it does not. */
export async function createCategory(db: Runner, b: CategoryCreate): Promise<Category | undefined> {
  // Raw: drizzle's INSERT ... SELECT lists every column (the identity one too), and the row is
  // inserted only WHERE the parent exists.
  const c = db.$with('c', getTableColumns(categories)).as(sql`
    INSERT INTO categories (slug, title, description, parent_id)
    SELECT ${b.slug}, ${b.title}, ${b.description ?? null}, ${b.parentId ?? null}::bigint WHERE ${parentOk(b.parentId)}
    RETURNING *`);
  const [row] = await db.with(c).select().from(c);
  return row && toCategory(row);
}

/** Sets the fields the body carries (undefined ones are left out: no mass assignment) and updated_at. */
export function updateCategoryQuery(db: Runner, id: number, b: CategoryUpdate) {
  return db
    .update(categories)
    .set({
      slug: b.slug,
      title: b.title,
      description: b.description,
      parentId: b.parentId,
      updatedAt: sql`now()`,
    })
    .where(and(eq(categories.id, id), parentOk(b.parentId)))
    .returning();
}

/** Updates a category; undefined when it (or its new parent) does not exist. */
export async function updateCategory(db: Runner, id: number, b: CategoryUpdate): Promise<Category | undefined> {
  const [row] = await updateCategoryQuery(db, id, b);
  return row && toCategory(row);
}

/** Deletes a category; its children move to the top level rather than point at nothing. One statement. */
export function deleteCategoryQuery(db: Runner, id: number) {
  const d = db.$with('d').as(db.delete(categories).where(eq(categories.id, id)).returning({ id: categories.id }));
  const o = db.$with('o').as(
    db
      .update(categories)
      .set({ parentId: null, updatedAt: sql`now()` })
      .where(inArray(categories.parentId, db.select({ id: d.id }).from(d)))
      .returning({ id: categories.id }),
  );
  return db.with(d, o).select({ id: d.id }).from(d);
}

export async function deleteCategory(db: Runner, id: number): Promise<boolean> {
  return (await deleteCategoryQuery(db, id)).length > 0;
}
