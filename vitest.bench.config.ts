import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { devVars } from "./vitest.config.ts";

// Benchmarks that must run inside workerd (the coordinator): the same Worker
// and Postgres setup as the tests, but files under bench/ and only on demand
// (`npm run bench:coordinator`). They print figures; they assert nothing
// about speed.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
        bindings: { ...devVars(".dev.vars.example"), DIRECTORY_CATALOG: "sandbox" },
      },
    })),
  ],
  test: {
    name: "bench-workers",
    include: ["bench/**/*.workers.ts"],
    globalSetup: ["./test/support/database.global.ts"],
    testTimeout: 600_000,
  },
});
