import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, PageMeta, PageQuery, Timestamp } from '../../schemas/common.ts';

export const orderStatuses = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
// Unsafe only types it: a union built from an array (not a tuple) would otherwise be typed `never`.
const Status = Type.Unsafe<OrderStatus>(Type.Union(orderStatuses.map((s) => Type.Literal(s))));

const OrderFields = {
  id: Id,
  number: Type.Integer({ description: 'Customer-facing order number (unique, from a sequence).' }),
  status: Status,
  subtotalCents: Type.Integer(),
  discountCents: Type.Integer(),
  totalCents: Type.Integer(),
  currency: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
};

export const Order = Type.Object({
  ...OrderFields,
  items: Type.Array(
    Type.Object({
      productId: Id,
      title: Type.String(),
      quantity: Type.Integer(),
      unitPriceCents: Type.Integer(),
      lineTotalCents: Type.Integer(),
    }),
  ),
});
export type Order = Static<typeof Order>;

export const OrderSummary = Type.Object({ ...OrderFields, itemCount: Type.Integer() });
export const OrderList = Type.Object({ data: Type.Array(OrderSummary), meta: PageMeta });
export type OrderList = Static<typeof OrderList>;

export const OrderListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

export const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 100,
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Retrying a checkout with the same key returns the first attempt’s order instead of a new one.',
    }),
  ),
});

export const StatusUpdate = Type.Object({ status: Status }, { additionalProperties: false });

/** Which status an order may move to from which: anything else is a 409. */
export const allowedFrom: Record<OrderStatus, OrderStatus[]> = {
  pending: [],
  paid: ['pending'],
  shipped: ['paid'],
  delivered: ['shipped'],
  cancelled: ['pending', 'paid'],
};
