import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, Nullable, PageMeta, PageQuery, Slug, Timestamp } from '../../schemas/common.ts';

export const CategoryListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

const Ref = Type.Object({ id: Id, slug: Type.String(), title: Type.String() });

export const Category = Type.Object({
  id: Id,
  slug: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  parentId: Nullable(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Category = Static<typeof Category>;

export const CategoryList = Type.Object({ data: Type.Array(Category), meta: PageMeta });

export const CategoryDetail = Type.Object({
  ...Category.properties,
  parent: Nullable(Ref),
  children: Type.Array(Ref),
});
export type CategoryDetail = Static<typeof CategoryDetail>;

export const CategoryCreate = Type.Object(
  {
    slug: Slug,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
    parentId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type CategoryCreate = Static<typeof CategoryCreate>;
export const CategoryUpdate = Type.Partial(CategoryCreate, { additionalProperties: false, minProperties: 1 });
export type CategoryUpdate = Static<typeof CategoryUpdate>;
