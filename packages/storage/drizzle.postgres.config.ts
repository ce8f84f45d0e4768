import { defineConfig } from 'drizzle-kit';

// The PostgreSQL migrations, generated from src/postgres/schema.ts beside the SQLite ones.
// drizzle-kit reads its configuration from a default export.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/postgres/schema.ts',
  out: './drizzle-postgres',
});
