import { EMAIL_PATTERN } from '@avelon/core';
import { Type } from '@fastify/type-provider-typebox';

// The queue's pattern as well as the format: the code is mailed through a job whose schema checks the
// address again, and an address only the looser format accepts would fail there, after validation.
const Email = Type.String({ format: 'email', pattern: EMAIL_PATTERN, minLength: 3, maxLength: 254 });

export const OtpRequest = Type.Object({ email: Email }, { additionalProperties: false });
export const OtpAccepted = Type.Object({
  status: Type.Literal('sent'),
  expiresInSeconds: Type.Integer(),
});

export const VerifyRequest = Type.Object(
  { email: Email, code: Type.String({ pattern: '^[0-9]{6}$' }) },
  { additionalProperties: false },
);

export const TokenResponse = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds.' }),
  user: Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    role: Type.Union([Type.Literal('customer'), Type.Literal('admin')]),
    isNew: Type.Boolean({ description: 'True when this sign-in created the account.' }),
  }),
});
