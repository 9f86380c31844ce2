import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, Nullable } from '../../schemas/common.ts';

export const Cart = Type.Object({
  items: Type.Array(
    Type.Object({
      productId: Id,
      slug: Type.String(),
      title: Type.String(),
      image: Nullable(Type.String()),
      quantity: Type.Integer(),
      unitPriceCents: Type.Integer({ description: 'Current price after discount.' }),
      lineTotalCents: Type.Integer(),
      isAvailable: Type.Boolean(),
      inStock: Type.Boolean({ description: 'Enough stock for this quantity right now (checked again at checkout).' }),
    }),
  ),
  itemCount: Type.Integer(),
  totalCents: Type.Integer(),
  currency: Type.String(),
});
export type Cart = Static<typeof Cart>;

const Quantity = Type.Integer({ minimum: 1, maximum: 99 });

export const AddItem = Type.Object(
  { productId: Id, quantity: Type.Optional(Quantity) },
  { additionalProperties: false },
);
export const SetQuantity = Type.Object({ quantity: Quantity }, { additionalProperties: false });
export const ProductIdParams = Type.Object({ productId: Id }, { additionalProperties: false });
