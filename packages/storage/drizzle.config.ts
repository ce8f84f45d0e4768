import { defineConfig } from 'drizzle-kit';

// drizzle-kit reads its configuration from a default export.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema.ts',
  out: './drizzle',
});
