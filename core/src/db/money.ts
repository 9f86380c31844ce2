/**
 * The largest amounts the platform supports, in minor units (cents). The database checks them, the API
 * schemas refuse more with a 400, and every product of price and quantity is computed in 64 bits.
 *
 * A unit price is at most $1,000,000.00, so price × (100 − discount) (≤ 10^10) and a line of 99 units
 * (≤ 9.9 × 10^9) need 64 bits; an order total is at most $10,000,000,000.00 (10^12), far inside the
 * 2^53 a JavaScript number holds exactly.
 */
export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_ORDER_TOTAL_CENTS = 1_000_000_000_000;
