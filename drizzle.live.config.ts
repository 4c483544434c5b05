// drizzle-kit: `npx drizzle-kit generate --config drizzle.live.config.ts` writes SQL migrations for the live service's schema.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './live/db/schema.ts',
  out: './live/db/migrations',
});
