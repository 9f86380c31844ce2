import { defineConfig } from 'drizzle-kit';

// Generation only reads the schema; no database is needed to run `npm run db:generate -w core`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
