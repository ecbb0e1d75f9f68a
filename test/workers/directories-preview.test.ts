/**
 * GET /api/directories/preview: public, cacheable, answers per plan from the
 * same selection an order uses (the equality with a real order is proved in
 * test/db/catalog-fit.test.ts). Here: the route itself in workerd, over the
 * live catalog, with directories of its own in a country no other test uses.
 */
import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSINESS_CATEGORIES } from "../../core/catalog/categories";
import { PLAN_IDS, PLANS } from "../../core/plans";
import { app } from "../../src/app";
import * as t from "../../src/db/schema";
import { connectFromWorker } from "../../src/db/worker-database";

const live = { ...env, DIRECTORY_CATALOG: "live" };
const tag = crypto.randomUUID().slice(0, 8);
const names = { general: `General LI ${tag}`, restaurants: `Gastro LI ${tag}`, legal: `Anwälte LI ${tag}`, english: `English-only LI ${tag}` };
let ids: string[] = [];

beforeAll(async () => {
  const conn = await connectFromWorker(env);
  try {
    const base = { country: "LI", language: "de", priorityTier: 1, daScore: 50 } as const;
    const rows = await conn.db
      .insert(t.directories)
      .values([
        { ...base, slug: `li-general-${tag}`, name: names.general, website: `https://general.${tag}.example` },
        { ...base, slug: `li-gastro-${tag}`, name: names.restaurants, website: `https://gastro.${tag}.example`, scope: "niche", category: "restaurants", automation: "manual" },
        { ...base, slug: `li-legal-${tag}`, name: names.legal, website: `https://legal.${tag}.example`, scope: "niche", category: "legal" },
        { ...base, slug: `li-en-${tag}`, name: names.english, website: `https://en.${tag}.example`, language: "en" },
      ])
      .returning({ id: t.directories.id });
    ids = rows.map((r) => r.id);
  } finally {
    await conn.close();
  }
});

afterAll(async () => {
  const conn = await connectFromWorker(env);
  try {
    await conn.db.delete(t.directories).where(inArray(t.directories.id, ids));
  } finally {
    await conn.close();
  }
});

const get = (query: string) => app.fetch(new Request(`http://localhost/api/directories/preview?${query}`), live);

interface Preview {
  country: string;
  category: string;
  plans: { plan: string; directories: number; available: number; list: { name: string; website: string; scope: string; categories: string[]; country: string; submittedBy: string }[] }[];
}

describe("GET /api/directories/preview", () => {
  it("answers every plan with what it promises, what is available and the list; public and cacheable", async () => {
    const res = await get("country=li&category=bakery");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const body = (await res.json()) as Preview;
    expect(body.country).toBe("LI");
    expect(body.plans.map((p) => p.plan)).toEqual([...PLAN_IDS]);
    for (const p of body.plans) {
      expect(p.directories).toBe(PLANS[p.plan as keyof typeof PLANS].directories);
      expect(p.available).toBe(p.list.length);
      expect(p.available).toBeLessThanOrEqual(p.directories);
    }
    // The largest plan: the live catalog's international directories may fill
    // the smaller ones before these test rows.
    const mine = body.plans[3]!.list.filter((d) => d.name.endsWith(tag));
    // A bakery: the general and the restaurant niche directories, never the lawyers'.
    expect(mine.map((d) => d.name).sort()).toEqual([names.restaurants, names.general].sort());
    expect(mine.find((d) => d.name === names.restaurants)).toMatchObject({ scope: "niche", country: "LI", submittedBy: "staff", categories: expect.arrayContaining(["bakery"]) });
    expect(mine.find((d) => d.name === names.general)).toMatchObject({ scope: "general", submittedBy: "browser", categories: ["*"] });
  });

  it("a lawyer is offered the legal niche and not the restaurant one", async () => {
    const body = (await (await get("country=LI&category=lawyer")).json()) as Preview;
    const mine = body.plans[3]!.list.filter((d) => d.name.endsWith(tag)).map((d) => d.name);
    expect(mine).toContain(names.legal);
    expect(mine).not.toContain(names.restaurants);
  });

  it("does not offer a German-speaking business a country directory only in English", async () => {
    const body = (await (await get("country=LI&category=bakery")).json()) as Preview;
    expect(body.plans[3]!.list.map((d) => d.name)).not.toContain(names.english);
  });

  it("answers an unknown country or category with a 400 listing the valid values", async () => {
    const res = await get("country=ZZ&category=bakeries");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: Record<string, string>; valid: { country: string[]; category: string[] } } } };
    expect(body.error.code).toBe("validation_failed");
    expect(Object.keys(body.error.details.fields).sort()).toEqual(["category", "country"]);
    expect(body.error.details.valid.category).toEqual(BUSINESS_CATEGORIES.map((c) => c.slug));
    expect(body.error.details.valid.country).toContain("US");
    expect(body.error.details.valid.country).not.toContain("ZZ");
  });

  it("refuses a missing parameter or an unknown one with a 400", async () => {
    for (const query of ["country=US", "category=bakery", "country=US&category=bakery&plan=starter", `country=${"A".repeat(50)}&category=bakery`]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
    }
  });
});
