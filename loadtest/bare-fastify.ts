// The ceiling of the API benchmark: a bare Fastify server (no plugins, no logger, no hooks) answering
// GET /products/:id and GET /products (and the browse mix's nav pages) with JSON objects of the same size as
// the API's answers, which it serializes on every request like any plain route. Started by
// loadtest/api-bench.ts with the samples.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const samples = JSON.parse(readFileSync(String(process.env.SAMPLES_FILE), 'utf8')) as { detail: object; list: object };
const app = Fastify();
app.get('/api/v1/products/:id', async () => samples.detail);
app.get('/api/v1/products', async () => samples.list);
// The browse mix's nav pages (2% of it); a detail-sized body is larger than a category's, so no faster.
app.get('/api/v1/categories/:id', async () => samples.detail);
app.get('/api/v1/brands/:id', async () => samples.detail);
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.log(`bare listening at http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
