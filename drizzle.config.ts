import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema and committed; they run unchanged on PGlite and Postgres.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
