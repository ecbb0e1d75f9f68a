/**
 * `npm run directories:check -- [--catalog live|sandbox] [--slug SLUG ...] [--concurrency N]`
 * Visits each active directory of the catalog (DATABASE_URL) with
 * tools/lib/directory-check.ts and records what it found: `checked_at`,
 * `check_status`, `check_result`, `facts_verified`; a directory found gone or
 * blocked is held (`check_hold`) and no longer selected until staff clear it
 * on the catalog page. A later passing check does not clear a hold: a person
 * looks first.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { connect, type Database } from "../src/db/client";
import { directories } from "../src/db/schema";
import { type CheckOptions, type CheckResult, HOLDING_STATUSES, checkDirectory } from "./lib/directory-check";

export async function recordCheck(db: Pick<Database, "update">, directoryId: string, result: CheckResult): Promise<void> {
  const hold = HOLDING_STATUSES.includes(result.status);
  await db
    .update(directories)
    .set({
      checkedAt: sql`now()`,
      checkStatus: result.status,
      checkResult: result,
      factsVerified: result.factsVerified,
      checkHold: hold ? true : sql`${directories.checkHold}`,
      updatedAt: sql`now()`,
    })
    .where(eq(directories.id, directoryId));
}

export interface CheckRun {
  checked: number;
  byStatus: Record<string, number>;
  held: string[];
}

export async function checkCatalog(
  db: Pick<Database, "select" | "update">,
  options: { catalog: "live" | "sandbox"; slugs?: string[]; concurrency?: number; check?: CheckOptions; onResult?: (slug: string, result: CheckResult) => void },
): Promise<CheckRun> {
  const rows = await db
    .select({ id: directories.id, slug: directories.slug, website: directories.website, submitUrl: directories.submitUrl })
    .from(directories)
    .where(and(eq(directories.sandbox, options.catalog === "sandbox"), options.slugs?.length ? inArray(directories.slug, options.slugs) : eq(directories.isActive, true)));
  const run: CheckRun = { checked: 0, byStatus: {}, held: [] };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      const result = await checkDirectory(row, options.check);
      await recordCheck(db, row.id, result);
      run.checked++;
      run.byStatus[result.status] = (run.byStatus[result.status] ?? 0) + 1;
      if (HOLDING_STATUSES.includes(result.status)) run.held.push(row.slug);
      options.onResult?.(row.slug, result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return run;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const catalog = value("--catalog") ?? "live";
  if (catalog !== "live" && catalog !== "sandbox") {
    console.error("usage: npm run directories:check -- [--catalog live|sandbox] [--slug SLUG ...] [--concurrency N]");
    process.exit(2);
  }
  const slugs = args.flatMap((a, i) => (args[i - 1] === "--slug" ? [a] : []));
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("directories:check needs DATABASE_URL (npm run dev prints the embedded one)");
    process.exit(2);
  }
  const conn = await connect(url);
  try {
    const run = await checkCatalog(conn.db, {
      catalog,
      slugs,
      concurrency: Number(value("--concurrency") ?? 4),
      onResult: (slug, r) => console.log(`${r.status.padEnd(11)} ${slug}${r.reasons.length ? `: ${r.reasons.join("; ")}` : ""}`),
    });
    console.log(`checked ${run.checked}: ${JSON.stringify(run.byStatus)}; held for staff: ${run.held.length}`);
  } finally {
    await conn.close();
  }
}
