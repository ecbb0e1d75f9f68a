import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const databaseSetup = "./test/support/database.global.ts";

// `npm test` runs three projects:
// - workers: the Worker in real workerd (the Cloudflare plugin), against real Postgres
// - db:      the data layer from Node against real Postgres (RLS matrix, tier selection, importer)
// - browser: Node tests that drive real Chromium (farm, mapper, submission engine)
// Postgres is PGlite unless TEST_DATABASE_URL is set (CI's second pass uses PostgreSQL 15).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
              bindings: { DIRECTORY_CATALOG: "sandbox" },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          globalSetup: [databaseSetup],
        },
      },
      {
        test: {
          name: "db",
          include: ["test/db/**/*.test.ts"],
          environment: "node",
          globalSetup: [databaseSetup],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
