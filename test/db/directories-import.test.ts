/**
 * `npm run directories:import` end to end: the real CLI against the test
 * database. Bad rows are reported by line and nothing is written; good rows
 * upsert by slug, so running a file twice changes nothing the second time.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../../src/db/client";
import { directories } from "../../src/db/schema";
import { databaseUrl, openDatabase, uniq } from "./support";

const run = promisify(execFile);
const HEADER = "slug,name,website,submit_url,da_score,priority_tier,category,scope,country,language,requires_captcha,automation,notes";

async function importFile(file: string, ...flags: string[]) {
  return run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "tools/directories-import.ts", file, ...flags], {
    env: { ...process.env, DATABASE_URL: databaseUrl() },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

let conn: Connection;
let dir: string;
beforeAll(async () => {
  conn = await openDatabase();
  dir = await mkdtemp(join(tmpdir(), "dirimport-"));
});
afterAll(async () => {
  await conn?.close();
});

describe("directories:import", () => {
  it("reports every bad row by line and writes nothing", async () => {
    const tag = uniq("bad");
    const file = join(dir, `${tag}.csv`);
    await writeFile(
      file,
      [
        HEADER,
        `${tag}-ok,Good One,https://good.example,,55,2,general,general,US,en,false,automated,fine`,
        `${tag}-tier,Bad Tier,https://bad.example,,55,9,general,general,US,en,false,automated,`,
        `Bad Slug!,Bad Slug,https://bad.example,,,1,general,general,US,en,,automated,`,
        `${tag}-url,"Quoted, Name",ftp://nope,,,1,general,general,US,en,,automated,"multi`,
        `line note"`,
        `${tag}-ok,Duplicate,https://dup.example,,,1,general,general,USA,en,,sometimes,`,
      ].join("\n"),
    );
    const res = await importFile(file);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${file}:3 (${tag}-tier): priorityTier`);
    expect(res.stderr).toContain(`${file}:4 (Bad Slug!): slug`);
    expect(res.stderr).toContain(`${file}:5 (${tag}-url): website`);
    // Line 7: the quoted note spans lines 5-6.
    expect(res.stderr).toMatch(new RegExp(`${file}:7 \\(${tag}-ok\\): country.*automation`));
    expect(res.stderr).toContain("nothing imported");
    const written = await conn.db
      .select()
      .from(directories)
      .where(like(directories.slug, `${tag}-%`));
    expect(written).toEqual([]);
  });

  it("upserts by slug: a second run updates instead of duplicating", async () => {
    const tag = uniq("good");
    const file = join(dir, `${tag}.csv`);
    const rows = (name: string) =>
      [
        HEADER,
        `${tag}-a,${name} A,https://a.example,https://a.example/add,91,1,general,general,us,en,yes,automated,`,
        `${tag}-b,${name} B,https://b.example,,,4,plumbers,niche,DE,de,0,manual,"blocks bots, per a source"`,
      ].join("\n");
    await writeFile(file, rows("First"));
    const first = await importFile(file);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("2 new, 0 updated");
    await writeFile(file, rows("Second"));
    const second = await importFile(file);
    expect(second.stdout).toContain("0 new, 2 updated");
    const [a] = await conn.db
      .select()
      .from(directories)
      .where(eq(directories.slug, `${tag}-a`));
    expect(a).toMatchObject({
      name: "Second A",
      country: "US",
      daScore: 91,
      priorityTier: 1,
      requiresCaptcha: true,
      submitUrl: "https://a.example/add",
      factsVerified: false,
    });
    const [b] = await conn.db
      .select()
      .from(directories)
      .where(eq(directories.slug, `${tag}-b`));
    expect(b).toMatchObject({ automation: "manual", notes: "blocks bots, per a source", language: "de", daScore: null });
  });

  it("takes JSON too, with the same validation", async () => {
    const tag = uniq("json");
    const file = join(dir, `${tag}.json`);
    await writeFile(
      file,
      JSON.stringify([
        { slug: `${tag}-x`, name: "X", website: "https://x.example", priority_tier: 3, country: "FR", language: "fr" },
        { slug: `${tag}-y`, name: "", website: "https://y.example", priorityTier: 3, country: "FR" },
      ]),
    );
    const res = await importFile(file);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${file}:2 (${tag}-y): name`);
    const ok = await importFile(file, "--skip-bad");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("1 new");
  });

  it("the shipped starter catalog validates completely", async () => {
    const res = await importFile("migrations/seed/starter-directories.csv", "--dry-run");
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^(\d+) valid row\(s\), 0 bad row\(s\)$/m);
    expect(Number(res.stderr.match(/^(\d+) valid/m)![1])).toBeGreaterThan(500);
  });
});
