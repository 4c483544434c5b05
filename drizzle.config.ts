// drizzle-kit: `npx drizzle-kit generate` writes SQL migrations for the indexer's schema.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './indexer/db/schema.ts',
  out: './indexer/db/migrations',
});
