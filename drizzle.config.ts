import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema/ and applied by the Node migrator
// (src/db/node.ts) and by `wrangler d1 migrations apply` (wrangler.toml points here).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
});
