import { defineConfig } from "vitest/config";
import { databaseSetup, workersPlugin } from "./vitest.config.ts";

// Benchmarks that must run inside workerd (the coordinator): the same Worker
// and Postgres setup as the tests, but files under bench/ and only on demand
// (`npm run bench:coordinator`). They print figures; they assert nothing
// about speed.
export default defineConfig({
  plugins: [workersPlugin()],
  test: {
    name: "bench-workers",
    include: ["bench/**/*.workers.ts"],
    globalSetup: [databaseSetup],
    testTimeout: 600_000,
    // One file at a time: a bench never shares the two cores with another.
    fileParallelism: false,
  },
});
