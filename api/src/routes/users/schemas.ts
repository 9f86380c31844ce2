import { type Static, Type } from '@fastify/type-provider-typebox';
import { Id, Nullable, Timestamp } from '../../schemas/common.ts';

export const Me = Type.Object({
  id: Id,
  email: Type.String(),
  name: Nullable(Type.String()),
  role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
  isEmailVerified: Type.Boolean(),
  addresses: Type.Array(
    Type.Object({
      id: Id,
      line1: Type.String(),
      line2: Nullable(Type.String()),
      city: Type.String(),
      postalCode: Type.String(),
      country: Type.String(),
      isDefault: Type.Boolean(),
    }),
  ),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Me = Static<typeof Me>;

/** Only the name is editable here: the email is the sign-in identity, the role is the admins' business. */
export const MeUpdate = Type.Object(
  { name: Nullable(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
