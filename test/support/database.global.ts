/**
 * vitest globalSetup: one migrated Postgres for the whole run. PGlite (the
 * embedded default) unless TEST_DATABASE_URL names a real PostgreSQL, as CI
 * does for its second pass. Tests share it, so each makes its own rows.
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../tools/lib/embedded-postgres";
import { migrateDatabase } from "../../tools/lib/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    databaseKind: "pglite" | "postgres";
    /** Cases per route of the fuzz project (vitest.config.ts). */
    fuzzRuns: number;
    /** UPDATE_SECURITY_DOC=1: the access matrix writes docs/security.md instead of comparing. */
    updateSecurityDoc: boolean;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const embedded = external ? undefined : await startEmbeddedPostgres();
  const url = external ?? embedded!.url;
  await migrateDatabase(url);
  project.provide("databaseUrl", url);
  project.provide("databaseKind", external ? "postgres" : "pglite");
  return async () => {
    await embedded?.stop();
  };
}
