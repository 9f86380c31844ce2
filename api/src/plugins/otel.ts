import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { FastifyInstance } from 'fastify';

/**
 * OpenTelemetry request spans through @fastify/otel, only when enabled: with no tracer provider
 * registered (no SDK, no exporter) the spans would be no-ops, but its hooks would still cost every
 * request something. The cache adds its own `cache.load` spans through @opentelemetry/api.
 */
export async function registerOtel(app: FastifyInstance, enabled: boolean): Promise<void> {
  if (!enabled) return;
  const instrumentation = new FastifyOtelInstrumentation({
    // /docs comes through the ops server: not a shop request worth a span.
    ignorePaths: (opts: { url: string }) => opts.url.startsWith('/docs'),
  });
  await app.register(instrumentation.plugin());
}
