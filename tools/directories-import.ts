/**
 * `npm run directories:import -- FILE.csv|FILE.json [--dry-run]`
 * Validates every row (reporting bad ones by line) and upserts the good ones
 * by slug into DATABASE_URL. Nothing is written when any row is bad, unless
 * --skip-bad is given: a half-imported catalog is worse than none.
 */
import { validateDirectoryRecords } from "../src/catalog/directory-input";
import { upsertDirectories } from "../src/db/catalog";
import { connect } from "../src/db/client";
import { readCatalogFile } from "./lib/catalog-file";

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith("--"));
const dryRun = args.includes("--dry-run");
const skipBad = args.includes("--skip-bad");
if (files.length !== 1) {
  console.error("usage: npm run directories:import -- FILE.csv|FILE.json [--dry-run] [--skip-bad]");
  process.exit(2);
}
const file = files[0]!;
const { valid, problems } = validateDirectoryRecords(await readCatalogFile(file));
for (const p of problems) console.error(`${file}:${p.line}${p.slug ? ` (${p.slug})` : ""}: ${p.errors.join("; ")}`);
console.error(`${valid.length} valid row(s), ${problems.length} bad row(s)`);
if (problems.length > 0 && !skipBad) {
  console.error("nothing imported: fix the rows above or pass --skip-bad");
  process.exit(1);
}
if (dryRun) process.exit(0);
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("directories:import needs DATABASE_URL (npm run dev prints the embedded one)");
  process.exit(2);
}
const conn = await connect(url);
try {
  const { inserted, updated } = await upsertDirectories(conn.db, valid);
  console.log(`imported ${valid.length} directories: ${inserted} new, ${updated} updated`);
} finally {
  await conn.close();
}
