// Applies pending migrations: `node core/src/db/migrate-cli.ts` (reads DATABASE_MIGRATION_URL).
// The same code runs as the chart's migration Job.
import { loadConfig } from '../config/load-config.ts';
import { databaseConfigShape } from './config.ts';
import { runMigrations } from './migrate.ts';

const config = loadConfig({ DATABASE_MIGRATION_URL: databaseConfigShape.DATABASE_MIGRATION_URL }, process.env);
await runMigrations(config.DATABASE_MIGRATION_URL);
console.log('==> migrations: up to date');
