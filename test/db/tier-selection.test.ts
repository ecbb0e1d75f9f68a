/**
 * Tier selection on a seeded catalog. Each test runs in a transaction that
 * hides every other directory and is rolled back, so tests sharing the
 * database never see each other's catalogs.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../../src/db/client";
import type { Transaction } from "../../src/db/rls";
import * as t from "../../src/db/schema";
import { selectDirectoriesForJob } from "../../src/db/tier-selection";
import { PLANS, PLAN_IDS } from "../../core/plans";
import { openDatabase, uniq, withOwnCatalog } from "./support";

let conn: Connection;
beforeAll(async () => {
  conn = await openDatabase();
});
afterAll(async () => {
  await conn?.close();
});

const isolated = (run: (tx: Transaction) => Promise<void>) => withOwnCatalog(conn, run);

/** 120 directories per tier, DA spread 1-100, half sandbox half live. */
async function seedCatalog(tx: Transaction, tag: string) {
  const rows: (typeof t.directories.$inferInsert)[] = [];
  for (let tier = 1; tier <= 5; tier++) {
    for (let i = 0; i < 120; i++) {
      rows.push({
        slug: `${tag}-${tier}-${i}`,
        name: `Dir ${tier}/${i}`,
        website: `https://d${tier}-${i}.example`,
        priorityTier: tier,
        daScore: i % 10 === 0 ? null : ((i * 37 + tier * 11) % 100) + 1,
        country: i % 3 === 0 ? "INT" : i % 3 === 1 ? "US" : "DE",
        sandbox: i % 2 === 0,
        automation: i === 7 ? "disabled" : i === 8 ? "manual" : "automated",
        requiresCaptcha: i % 12 === 5,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 200) await tx.insert(t.directories).values(rows.slice(i, i + 200));
}

async function makeCustomer(tx: Transaction) {
  const [c] = await tx
    .insert(t.customers)
    .values({ email: `${uniq("sel")}@example.com` })
    .returning();
  return c!.id;
}

describe("selectDirectoriesForJob", () => {
  for (const planId of PLAN_IDS) {
    it(`${planId}: active, its own tiers first, best DA first, lower tiers only to fill its size`, async () => {
      await isolated(async (tx) => {
        const tag = uniq("tier");
        await seedCatalog(tx, tag);
        const customerId = await makeCustomer(tx);
        const plan = PLANS[planId];
        const picked = await selectDirectoriesForJob(tx, { customerId, plan: planId, catalog: "live" });
        const all = await tx.execute<{ id: string; priority_tier: number; da_score: number | null }>(
          sql`select id, priority_tier, da_score from directories
              where slug like ${tag + "-%"} and not sandbox and automation <> 'disabled'
                and (${plan.captchaSolving} or not requires_captcha)`,
        );
        const eligible = all.rows;
        expect(picked.length).toBe(Math.min(plan.directories, eligible.length));
        expect(new Set(picked.map((d) => d.id)).size).toBe(picked.length);
        const pickedIds = new Set(picked.map((d) => d.id));
        const own = picked.filter((d) => d.priorityTier <= plan.tierLimit);
        const below = picked.slice(own.length);
        // The plan's own tiers come first, and all of them before any lower tier.
        expect(picked.slice(0, own.length)).toEqual(own);
        const ownLeftOut = eligible.filter((d) => d.priority_tier <= plan.tierLimit && !pickedIds.has(d.id));
        if (below.length) expect(ownLeftOut).toEqual([]);
        // Within its own tiers: best DA first (unknown last), nothing better left out.
        const das = own.map((d) => d.daScore ?? -1);
        expect([...das].sort((a, b) => b - a)).toEqual(das);
        const worstOwn = Math.min(...das);
        expect(ownLeftOut.filter((d) => (d.da_score ?? -1) > worstOwn)).toEqual([]);
        // Lower tiers fill the count tier by tier, each best DA first, and a tier is taken whole before the next.
        const tiers = below.map((d) => d.priorityTier);
        expect([...tiers].sort((a, b) => a - b)).toEqual(tiers);
        for (let k = 0; k + 1 < below.length; k++) {
          if (below[k]!.priorityTier === below[k + 1]!.priorityTier) expect(below[k]!.daScore ?? -1).toBeGreaterThanOrEqual(below[k + 1]!.daScore ?? -1);
        }
        const lastTier = tiers.at(-1);
        if (lastTier !== undefined) {
          const skipped = eligible.filter((d) => d.priority_tier > plan.tierLimit && d.priority_tier < lastTier && !pickedIds.has(d.id));
          expect(skipped).toEqual([]);
        }
      });
    });
  }

  it("fills a plan whose own tiers run short from the next tier, never passing over it for a lower one", async () => {
    await isolated(async (tx) => {
      const tag = uniq("short");
      const rows: (typeof t.directories.$inferInsert)[] = [];
      // Tier 1 holds 20 (Starter wants 50); tier 2 holds 20; tier 5 holds 40 with a better DA than tier 2.
      const add = (tier: number, n: number, da: number) => {
        for (let i = 0; i < n; i++) rows.push({ slug: `${tag}-${tier}-${i}`, name: `D ${tier}/${i}`, website: `https://s${tier}-${i}.example`, priorityTier: tier, daScore: da, country: "US" });
      };
      add(1, 20, 80);
      add(2, 20, 30);
      add(5, 40, 39);
      await tx.insert(t.directories).values(rows);
      const picked = await selectDirectoriesForJob(tx, { customerId: await makeCustomer(tx), plan: "starter", catalog: "live", country: "US" });
      expect(picked).toHaveLength(50);
      expect(picked.map((d) => d.priorityTier)).toEqual([...Array(20).fill(1), ...Array(20).fill(2), ...Array(10).fill(5)]);
    });
  });

  it("never picks disabled or inactive directories, nor the other catalog", async () => {
    await isolated(async (tx) => {
      const tag = uniq("excl");
      await seedCatalog(tx, tag);
      await tx.execute(sql`update directories set is_active = false where slug = ${`${tag}-1-1`}`);
      const customerId = await makeCustomer(tx);
      for (const catalog of ["live", "sandbox"] as const) {
        const picked = await selectDirectoriesForJob(tx, { customerId, plan: "enterprise", catalog });
        const ids = picked.map((d) => d.id);
        const { rows } = await tx.execute<{ bad: number }>(
          sql`select count(*)::int as bad from directories where id in ${
            ids.length
              ? sql`(${sql.join(
                  ids.map((i) => sql`${i}`),
                  sql`, `,
                )})`
              : sql`(null)`
          }
              and (not is_active or automation = 'disabled' or sandbox <> ${catalog === "sandbox"})`,
        );
        expect(rows[0]!.bad).toBe(0);
        // 300 rows per catalog; live loses 5 disabled and 1 inactive row.
        expect(picked.length).toBe(catalog === "live" ? 294 : 300);
      }
      // Starter has no captcha solving: no captcha directories, in either catalog.
      const starter = await selectDirectoriesForJob(tx, { customerId, plan: "starter", catalog: "sandbox" });
      const { rows: captcha } = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from directories where requires_captcha and id in (${sql.join(
          starter.map((d) => sql`${d.id}`),
          sql`, `,
        )})`,
      );
      expect(captcha[0]!.n).toBe(0);
    });
  });

  it("offers a live-catalog business only its own country's and international directories", async () => {
    await isolated(async (tx) => {
      const tag = uniq("ctry");
      await seedCatalog(tx, tag);
      const customerId = await makeCustomer(tx);
      const picked = await selectDirectoriesForJob(tx, { customerId, plan: "enterprise", catalog: "live", country: "us" });
      const { rows } = await tx.execute<{ country: string }>(
        sql`select distinct country from directories where id in (${sql.join(
          picked.map((d) => sql`${d.id}`),
          sql`, `,
        )}) order by country`,
      );
      expect(rows.map((r) => r.country)).toEqual(["INT", "US"]);
    });
  });

  it("excludes directories the business holds from an earlier job, but not ones that failed", async () => {
    await isolated(async (tx) => {
      const tag = uniq("held");
      await seedCatalog(tx, tag);
      const customerId = await makeCustomer(tx);
      const first = await selectDirectoriesForJob(tx, { customerId, plan: "starter", catalog: "live" });
      const [order] = await tx
        .insert(t.orders)
        .values({ customerId, plan: "starter", stripeCheckoutSessionId: `cs_${randomUUID()}`, amountCents: 14900 })
        .returning();
      const [job] = await tx.insert(t.jobs).values({ orderId: order!.id, customerId, plan: "starter" }).returning();
      const statuses = ["approved", "submitted", "failed", "pending", "skipped"] as const;
      await tx.insert(t.directorySubmissions).values(first.map((d, i) => ({ jobId: job!.id, directoryId: d.id, customerId, status: statuses[i % statuses.length]! })));
      const second = await selectDirectoriesForJob(tx, { customerId, plan: "starter", catalog: "live" });
      const held = new Set(first.filter((_, i) => !["failed", "skipped"].includes(statuses[i % statuses.length]!)).map((d) => d.id));
      const released = first.filter((_, i) => ["failed", "skipped"].includes(statuses[i % statuses.length]!)).map((d) => d.id);
      expect(second.some((d) => held.has(d.id))).toBe(false);
      for (const id of released) expect(second.map((d) => d.id)).toContain(id);
      // Another customer is not affected.
      const other = await makeCustomer(tx);
      expect((await selectDirectoriesForJob(tx, { customerId: other, plan: "starter", catalog: "live" })).map((d) => d.id)).toEqual(first.map((d) => d.id));
    });
  });

  it("refuses a second live listing of one business at one directory", async () => {
    await isolated(async (tx) => {
      const tag = uniq("live");
      await seedCatalog(tx, tag);
      const customerId = await makeCustomer(tx);
      const [dir] = await selectDirectoriesForJob(tx, { customerId, plan: "starter", catalog: "live" });
      const jobIds: string[] = [];
      for (let i = 0; i < 2; i++) {
        const [order] = await tx
          .insert(t.orders)
          .values({ customerId, plan: "starter", stripeCheckoutSessionId: `cs_${randomUUID()}`, amountCents: 14900 })
          .returning();
        const [job] = await tx.insert(t.jobs).values({ orderId: order!.id, customerId, plan: "starter" }).returning();
        jobIds.push(job!.id);
      }
      await tx.insert(t.directorySubmissions).values({ jobId: jobIds[0]!, directoryId: dir!.id, customerId, status: "approved" });
      await tx.insert(t.directorySubmissions).values({ jobId: jobIds[1]!, directoryId: dir!.id, customerId, status: "failed" });
      // The failing statement aborts the transaction; it is rolled back anyway.
      const err = await tx.execute(sql`update directory_submissions set status = 'approved' where job_id = ${jobIds[1]!} and directory_id = ${dir!.id}`).then(
        () => null,
        (e: { cause?: { code?: string } }) => e.cause?.code,
      );
      expect(err).toBe("23505");
    });
  });
});
