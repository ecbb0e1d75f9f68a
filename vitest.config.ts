import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** The documented local secrets (KEY=value lines) are the tests' secrets too. */
export function devVars(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#") && line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

export const databaseSetup = "./test/support/database.global.ts";
/** Finds Chromium once (or fails the run in seconds, saying how to get one). */
export const chromiumSetup = "./test/support/chromium.global.ts";

/** The Worker in workerd, on the test database, with the documented local secrets. */
export function workersPlugin() {
  return cloudflareTest(({ inject }) => ({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
      // The suites call the public routes far more often than a client may
      // (every test shares one client); test/workers/rate-limit.test.ts uses
      // the tight limiter to see a 429.
      ratelimits: {
        PUBLIC_RATE_LIMIT: { namespace_id: "2201", simple: { limit: 1_000_000, period: 60 } },
        CHECKOUT_RATE_LIMIT: { namespace_id: "2202", simple: { limit: 1_000_000, period: 60 } },
        TIGHT_RATE_LIMIT: { namespace_id: "9901", simple: { limit: 3, period: 60 } },
      },
      bindings: { ...devVars(".dev.vars.example"), DIRECTORY_CATALOG: "sandbox", JOB_REPLACEMENTS: "off" },
    },
  }));
}

/**
 * Cases per route of the fuzz project: FUZZ_RUNS when set; otherwise the full
 * count when the fuzz project is asked for by name (`npm run test:fuzz`), and
 * a smoke-sized count inside a plain `npm test` of every project.
 */
function fuzzRuns(): number {
  if (process.env.FUZZ_RUNS) return Number(process.env.FUZZ_RUNS);
  const argv = process.argv.join(" ");
  return /--project[= ]fuzz\b/.test(argv) ? 150 : 20;
}

/**
 * Fault injection (`npm run test:faults` = `vitest run --project faults`): a
 * Growth order under killed browsers, workers and coordinators, a stopped
 * PostgreSQL 15 and replayed deliveries. Minutes, on a PostgreSQL 15 of its
 * own, so `npm test` leaves it out (CI runs it as its own step): the project
 * exists only when named on the command line.
 */
const faultsRequested = process.argv.some((arg, i, all) => arg === "--project=faults" || (arg === "faults" && all[i - 1] === "--project"));
const faultsProject = {
  test: {
    name: "faults",
    include: ["test/faults/**/*.test.ts"],
    environment: "node" as const,
    testTimeout: 60 * 60_000,
    hookTimeout: 300_000,
    globalSetup: [chromiumSetup],
  },
};

// `npm test` runs four projects:
// - workers: the Worker in real workerd (the Cloudflare plugin), against real Postgres
// - db:      the data layer from Node against real Postgres (RLS matrix, tier selection, importer)
// - browser: Node tests that drive real Chromium (farm, mapper, submission engine)
// - e2e:     a whole order through wrangler dev, real Chromium and the farm
// - fuzz:    bad input at every route in real workerd (20 cases a route here; `npm run test:fuzz`: 150)
// Postgres is PGlite unless TEST_DATABASE_URL is set (CI's second pass uses PostgreSQL 15).
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [workersPlugin()],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          // `npm run security:doc`: the access matrix hands its table to the doc reporter instead of comparing.
          provide: { updateSecurityDoc: process.env.UPDATE_SECURITY_DOC === "1" },
          // Generous: CI machines have 2 cores shared with Chromium and Postgres.
          testTimeout: 30_000,
          globalSetup: [databaseSetup],
          // One workerd for all files instead of one per file: the files share
          // the database anyway and each makes its own rows, jobs and
          // coordinators; 28 files ran in 31 s instead of 100 s (same results in
          // shuffled orders).
          isolate: false,
        },
      },
      {
        // Bad input against the real Worker (`npm run test:fuzz`; test/fuzz/README.md).
        plugins: [workersPlugin()],
        test: {
          name: "fuzz",
          include: ["test/fuzz/**/*.test.ts"],
          testTimeout: 600_000,
          globalSetup: [databaseSetup],
          provide: { fuzzRuns: fuzzRuns() },
          // One file at a time: each compares table fingerprints around its requests.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "db",
          include: ["test/db/**/*.test.ts"],
          environment: "node",
          globalSetup: [databaseSetup],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // A whole order through wrangler dev, real Chromium and the farm.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 600_000,
          hookTimeout: 240_000,
          globalSetup: [chromiumSetup],
        },
      },
      {
        // The SolidJS site in real Chromium (playwright-core) against the whole stack.
        test: {
          name: "site",
          include: ["test/site/**/*.test.ts"],
          environment: "node",
          // Each file runs a whole stack: one at a time.
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
          // ui/dist built once from the current source, for both files.
          globalSetup: [chromiumSetup, "./test/support/site-build.global.ts"],
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: [chromiumSetup],
        },
      },
      {
        // The import rules of the layout (tools/lib/boundaries.ts): source files only, no stack.
        test: {
          name: "layout",
          include: ["test/layout/**/*.test.ts"],
          environment: "node",
        },
      },
      ...(faultsRequested ? [faultsProject] : []),
    ],
  },
});
