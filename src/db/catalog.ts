/** Writes the directory catalog: one upsert by slug, in one transaction. */
import { getTableColumns, sql } from "drizzle-orm";
import type { DirectoryInput } from "../catalog/directory-input";
import type { Database } from "./client";
import { directories } from "./schema";

const BATCH = 500;
const columns = getTableColumns(directories);

export async function upsertDirectories(db: Database, rows: DirectoryInput[]): Promise<{ inserted: number; updated: number }> {
  let inserted = 0;
  let updated = 0;
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH).map((r) => ({
        ...r,
        submitUrl: r.submitUrl ?? null,
        listingSearchUrl: r.listingSearchUrl ?? null,
        daScore: r.daScore ?? null,
        source: r.source ?? null,
        notes: r.notes ?? null,
      }));
      const result = await tx
        .insert(directories)
        .values(chunk)
        .onConflictDoUpdate({
          target: directories.slug,
          set: Object.fromEntries(
            Object.keys(chunk[0]!)
              .filter((k) => k !== "slug")
              .map((k) => [k, sql.raw(`excluded."${columns[k as keyof typeof columns].name}"`)]),
          ),
        })
        // xmax = 0 only for rows this statement inserted (not updated).
        .returning({ inserted: sql<boolean>`(xmax = 0)` });
      for (const r of result) r.inserted ? inserted++ : updated++;
    }
  });
  return { inserted, updated };
}
