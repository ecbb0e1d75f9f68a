/**
 * `npm run directories:check` writes what it found: the farm's fixtures are
 * put in the sandbox catalog, checked, and the rows carry checked_at, the
 * verdict and facts_verified; gone and blocked ones are held out of
 * selection until staff clear them, and a later passing check does not clear
 * a hold. One transaction, rolled back, so no other test sees these rows.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLANS } from "../../core/plans";
import type { Connection } from "../../src/db/client";
import * as t from "../../src/db/schema";
import { selectDirectoriesForJob } from "../../src/db/tier-selection";
import { checkCatalog } from "../../tools/directories-check";
import { type Farm, startFarm } from "../../tools/farm/index.ts";
import { openDatabase, uniq } from "./support";

let conn: Connection;
let farm: Farm;
beforeAll(async () => {
  [conn, farm] = await Promise.all([openDatabase(), startFarm({ variants: 20 })]);
});
afterAll(async () => {
  await conn?.close();
  await farm?.close();
});

const ROLLBACK = new Error("rollback");

describe("directories:check records its findings", () => {
  it("sets checked_at, status, result and facts_verified; holds gone and blocked directories out of selection", async () => {
    await conn.db
      .transaction(async (tx) => {
        await tx.execute(sql`update directories set is_active = false where is_active`);
        const tag = uniq("chk");
        const alive = farm.catalog(1)[0]!;
        const rows = [
          { slug: `${tag}-alive`, name: alive.name, website: alive.website, submitUrl: alive.submitUrl },
          ...farm.checkFixtures().map((f) => ({ slug: `${tag}-${f.kind}`, name: f.name, website: f.website, submitUrl: f.submitUrl })),
        ];
        await tx.insert(t.directories).values(rows.map((r) => ({ ...r, priorityTier: 1, daScore: 50, country: "INT", sandbox: true, automation: "automated" as const })));
        const slugs = rows.map((r) => r.slug);
        const run = await checkCatalog(tx, { catalog: "sandbox", slugs, concurrency: 2 });
        expect(run.checked).toBe(rows.length);

        const after = await tx.select().from(t.directories).where(inArray(t.directories.slug, slugs));
        const bySlug = new Map(after.map((d) => [d.slug.slice(tag.length + 1), d]));
        expect(after.every((d) => d.checkedAt !== null && d.checkResult !== null)).toBe(true);
        expect(bySlug.get("alive")).toMatchObject({ checkStatus: "alive", factsVerified: true, checkHold: false });
        expect(bySlug.get("gone")).toMatchObject({ checkStatus: "gone", factsVerified: false, checkHold: true });
        expect(bySlug.get("missing")).toMatchObject({ checkStatus: "gone", checkHold: true });
        expect(bySlug.get("forbidden")).toMatchObject({ checkStatus: "blocked", checkHold: true });
        expect(bySlug.get("robots")).toMatchObject({ checkStatus: "blocked", checkHold: true });
        expect(bySlug.get("formless")).toMatchObject({ checkStatus: "alive", factsVerified: false, checkHold: false });
        expect(bySlug.get("no-bots")).toMatchObject({ checkStatus: "alive", factsVerified: false, checkHold: false });
        expect(bySlug.get("moved")).toMatchObject({ checkStatus: "redirected", checkHold: false });
        expect(run.held.sort()).toEqual([`${tag}-forbidden`, `${tag}-gone`, `${tag}-missing`, `${tag}-robots`].sort());

        const [customer] = await tx
          .insert(t.customers)
          .values({ email: `${tag}@example.com` })
          .returning();
        const picked = await selectDirectoriesForJob(tx, { customerId: customer!.id, plan: "enterprise", catalog: "sandbox" });
        expect(picked.map((d) => d.slug).sort()).toEqual(["alive", "formless", "no-bots", "moved"].map((k) => `${tag}-${k}`).sort());
        expect(picked.length).toBeLessThanOrEqual(PLANS.enterprise.directories);

        // A later check that passes does not lift a hold: staff do.
        const goneId = bySlug.get("gone")!.id;
        await tx.update(t.directories).set({ website: alive.website, submitUrl: alive.submitUrl }).where(eq(t.directories.id, goneId));
        await checkCatalog(tx, { catalog: "sandbox", slugs: [`${tag}-gone`] });
        const [rechecked] = await tx.select().from(t.directories).where(eq(t.directories.id, goneId));
        expect(rechecked).toMatchObject({ checkStatus: "alive", checkHold: true });
        throw ROLLBACK;
      })
      .catch((err) => {
        if (err !== ROLLBACK) throw err;
      });
  });
});
