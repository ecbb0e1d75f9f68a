import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts; hand-written SQL lives in
// `--custom` migrations registered in the same journal, so one runner
// (tools/db-migrate.mjs, the tests, `npm run dev`) applies them all in order.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  // Supabase's roles (anon, authenticated, service_role) exist already there;
  // locally test/db bootstrap creates them. drizzle-kit must never create them.
  entities: { roles: { provider: "supabase" } },
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:54329/postgres" },
});
