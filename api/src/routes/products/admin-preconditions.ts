import type { FastifyReply } from 'fastify';
import { etagOf, serialized } from '../../cache/index.ts';
import { ApiError, notFound } from '../../errors.ts';
import { lockProductRow, productDetail } from '../../repositories/products-read.ts';
import type { Runner } from '../../repositories/runner.ts';
import type { ProductDetail } from './schemas.ts';

/**
 * The ETag of a product detail: the hash of its bytes as the route's serializer writes them, which is
 * exactly what GET /products/:id stores in the cache and sends as its ETag. So the tag a client read
 * from the public GET is the one a conditional write compares; no second notion of "version" exists.
 */
export type DetailEtag = (detail: ProductDetail) => string;

/** The DetailEtag of a route whose 200 response schema is ProductDetail (the GET's serializer output). */
export const detailEtag =
  (reply: FastifyReply): DetailEtag =>
  (detail) =>
    etagOf(serialized(reply, detail));

/** If-Match with strong comparison (RFC 9110 13.1.1): `*` matches any current product, weak tags never. */
export function ifMatchHolds(header: string, etag: string): boolean {
  const tags = header.split(',').map((t) => t.trim());
  return tags.includes('*') || tags.includes(etag);
}

/**
 * Locks the product's row until the caller's transaction ends and returns its stock, then checks
 * If-Match (when given) against the product as it is now. Under READ COMMITTED the statements after
 * the lock read the latest commit, and no checkout, cancel or other admin write can change the row
 * before this transaction commits: the check and the write are one atomic step.
 */
export async function lockProduct(
  tx: Runner,
  id: number,
  ifMatch: string | undefined,
  etag: DetailEtag,
): Promise<{ stock: number }> {
  const row = await lockProductRow(tx, id);
  if (!row) throw notFound('Product');
  if (ifMatch !== undefined) {
    const current = await productDetail(tx, id);
    if (!current || !ifMatchHolds(ifMatch, etag(current))) throw new ApiError('API_ERR_PRECONDITION_FAILED');
  }
  return row;
}

/**
 * Sends a product detail with its ETag, serialized once: the tag is the hash of the bytes sent, the
 * same the next GET answers with (unless something changed in between), so it can go straight into
 * the If-Match of the next write.
 */
export function sendDetail(reply: FastifyReply, detail: ProductDetail): never {
  const body = serialized(reply, detail);
  reply.header('etag', etagOf(body)).header('content-type', 'application/json; charset=utf-8');
  return body as never;
}
