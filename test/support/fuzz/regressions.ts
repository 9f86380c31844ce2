// Shrunk counterexamples of defects the route fuzzing found (test/api/fuzz-routes.test.ts), kept as
// named cases that run on every seed, so each stays fixed. One line says what each one broke.
import type { FuzzRequest } from './requests.ts';

export interface FuzzRegression {
  name: string;
  /** `METHOD /pattern` as the app registers it. */
  route: string;
  request: FuzzRequest;
}

const json = (text: string) => ({ text, encoding: 'utf8' as const });

export const fuzzRegressions: FuzzRegression[] = [
  // Fastify's router answered a path that does not percent-decode in its own shape, without a code.
  {
    name: 'a path that does not decode (%FF) is a 400 with a code',
    route: 'GET /api/v1/products/:id',
    request: { identity: 'anonymous', method: 'GET', target: '/api/v1/products/%FF', headers: [] },
  },
  // node's HTTP parser refused a header name that is not a token; Fastify's default answer had no code.
  {
    name: 'a header name that is not a token is a 400 with a code',
    route: 'POST /api/v1/auth/logout',
    request: { identity: 'anonymous', method: 'POST', target: '/api/v1/auth/logout', headers: [['x-\xff', '1e309']] },
  },
  // The same parser refused a control character in a header value.
  {
    name: 'a form feed in a header value is a 400 with a code',
    route: 'PATCH /api/v1/admin/products/:id',
    request: {
      identity: 'anonymous',
      method: 'PATCH',
      target: '/api/v1/admin/products/2',
      headers: [['if-match', '*\f']],
    },
  },
  // Headers past node's 16 KiB limit: a 431 without a code.
  {
    name: 'headers past the size limit are a 431 with a code',
    route: 'GET /api/v1/products',
    request: {
      identity: 'anonymous',
      method: 'GET',
      target: '/api/v1/products',
      headers: [['x-pad', 'a'.repeat(20_000)]],
    },
  },
  // The request schema's email format accepted an address the queue's job schema refuses: the code
  // could not be enqueued and the sign-in answered 503.
  {
    name: 'an address the queue would refuse is refused by the request schema (was 503)',
    route: 'POST /api/v1/auth/otp',
    request: {
      identity: 'anonymous',
      method: 'POST',
      target: '/api/v1/auth/otp',
      headers: [['content-type', 'application/json']],
      body: json('{"email":"!.a@a.aa"}'),
    },
  },
  // Adding a product that does not exist answered 422 but had created (or touched) the user's cart.
  {
    name: 'adding a product that does not exist to the cart writes nothing (was a new cart row)',
    route: 'POST /api/v1/cart/items',
    request: {
      identity: 'user',
      method: 'POST',
      target: '/api/v1/cart/items',
      headers: [['content-type', 'application/json']],
      body: json('{"productId":9000000000000000}'),
    },
  },
];
