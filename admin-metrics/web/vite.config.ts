// Builds the page into admin-metrics/dist (served by the app itself, no CDN).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('../dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: the page is one screen, splitting would only add round trips.
    assetsInlineLimit: 0,
  },
});
