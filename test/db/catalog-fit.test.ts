/**
 * The catalog fits the business (issue 16): categories, languages, and the
 * pricing preview counting exactly what a real order of that business gets.
 * Each database test runs in a transaction that hides every other directory
 * and is rolled back, so tests sharing the database never see each other's
 * catalogs.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categoriesOf, servesCategories } from "../../core/catalog/categories";
import { countryLanguages } from "../../core/catalog/languages";
import { PLAN_IDS, type PlanId } from "../../core/plans";
import { fulfilCheckoutSession } from "../../src/billing/fulfilment";
import { businessFit, detectLanguage } from "../../src/catalog/business-fit";
import { fitJobToBusiness } from "../../src/catalog/fit-job";
import { previewAvailability } from "../../src/catalog/preview";
import type { Connection } from "../../src/db/client";
import type { Transaction } from "../../src/db/rls";
import * as t from "../../src/db/schema";
import { checkoutSession } from "../support/stripe";
import { openDatabase, uniq, withOwnCatalog } from "./support";

describe("the category taxonomy", () => {
  it("maps a profile's own words, in the languages served, onto one slug each", () => {
    expect(categoriesOf(["Bakery"])).toEqual(["bakery"]);
    expect(categoriesOf(["Bäckerei & Konditorei"])).toEqual(["bakery"]);
    expect(categoriesOf(["Boulangerie artisanale"])).toEqual(["bakery"]);
    expect(categoriesOf(["Panadería"])).toEqual(["bakery"]);
    expect(categoriesOf(["Family law attorney", "Notaire"])).toEqual(["lawyer"]);
    expect(categoriesOf(["Pet store"])).toEqual(["pet-store"]);
    expect(categoriesOf(["Zahnarztpraxis"])).toEqual(["dentist"]);
    expect(categoriesOf(["Emergency plumbing", "Heating"])).toEqual(["plumber", "hvac"]);
  });

  it("maps a word it does not know to nothing, never to a guess", () => {
    expect(categoriesOf(["Quantum widgets"])).toEqual([]);
  });

  it("never lets a bakery reach a legal, medical or dental niche directory; general ones serve everyone", () => {
    const bakery = categoriesOf(["Bakery"]);
    for (const category of ["legal", "medical", "dental", "mental-health", "automotive", "real-estate"]) {
      expect(servesCategories({ scope: "niche", category }, bakery)).toBe(false);
    }
    expect(servesCategories({ scope: "niche", category: "restaurants" }, bakery)).toBe(true);
    expect(servesCategories({ scope: "niche", category: "a-niche-nobody-mapped" }, bakery)).toBe(false);
    for (const scope of ["general", "aggregator", "maps", "search-engine", "social"]) expect(servesCategories({ scope, category: "legal" }, bakery)).toBe(true);
  });
});

describe("languages", () => {
  it("a Quebec business is offered French; the rest of Canada English", () => {
    expect(countryLanguages("CA", "QC")).toEqual(["fr", "en"]);
    expect(countryLanguages("CA", "Québec")).toEqual(["fr", "en"]);
    expect(countryLanguages("CA", "ON")).toEqual(["en"]);
    expect(countryLanguages("DE")).toEqual(["de"]);
  });

  it("reads the profile's text: German text adds German, a short tagline adds nothing", () => {
    expect(detectLanguage("Wir backen jeden Morgen frisches Brot und Brötchen aus regionalem Mehl, ohne Zusatzstoffe und mit viel Liebe.")).toBe("de");
    expect(detectLanguage("Fresh bread")).toBeNull();
    const base = { country: "US", region: "OH", categories: ["Bakery"], shortDescription: "Fresh bread daily in Columbus" };
    expect(businessFit({ ...base, longDescription: "We bake fresh bread and pastries every morning from local flour, with no additives and a lot of care." }, null).languages).toEqual(["en"]);
    expect(businessFit({ ...base, longDescription: "Wir backen jeden Morgen frisches Brot und Brötchen aus regionalem Mehl, ohne Zusatzstoffe und mit viel Liebe." }, null).languages).toEqual([
      "en",
      "de",
    ]);
  });
});

let conn: Connection;
beforeAll(async () => {
  conn = await openDatabase();
});
afterAll(async () => {
  await conn?.close();
});

const isolated = (run: (tx: Transaction) => Promise<void>) => withOwnCatalog(conn, run);

type Row = typeof t.directories.$inferInsert;

/** A live catalog with every kind the rules tell apart, in every tier. */
async function seedCatalog(tx: Transaction, tag: string): Promise<void> {
  const kinds: Pick<Row, "scope" | "category" | "country" | "language">[] = [
    { scope: "general", category: "general", country: "US", language: "en" },
    { scope: "general", category: "general", country: "INT", language: "en" },
    { scope: "maps", category: "general", country: "INT", language: "de" },
    { scope: "niche", category: "restaurants", country: "US", language: "en" },
    { scope: "niche", category: "legal", country: "US", language: "en" },
    { scope: "niche", category: "medical", country: "INT", language: "en" },
    { scope: "niche", category: "dental", country: "US", language: "en" },
    { scope: "general", category: "general", country: "US", language: "de" },
    { scope: "general", category: "general", country: "INT", language: "de" },
    { scope: "general", category: "general", country: "CA", language: "en" },
    { scope: "general", category: "general", country: "CA", language: "fr" },
    { scope: "niche", category: "restaurants", country: "CA", language: "fr" },
    { scope: "general", category: "general", country: "GB", language: "en" },
  ];
  const rows: Row[] = [];
  for (let tier = 1; tier <= 5; tier++) {
    for (let i = 0; i < 40; i++) {
      const kind = kinds[(i + tier) % kinds.length]!;
      rows.push({
        ...kind,
        slug: `${tag}-${tier}-${i}`,
        name: `${kind.category} ${kind.country}/${kind.language} ${tier}-${i}`,
        website: `https://d${tier}-${i}.${tag}.example`,
        priorityTier: tier,
        daScore: i % 9 === 0 ? null : ((i * 37 + tier * 11) % 100) + 1,
        automation: i % 17 === 3 ? "manual" : "automated",
        requiresCaptcha: i % 11 === 5,
      });
    }
  }
  await tx.insert(t.directories).values(rows);
}

/**
 * A whole order: paid through fulfilment, then the business profile saved,
 * then fitted, the step markJobReady takes the first time the job is ready
 * (src/billing/readiness.ts; that module needs the Worker's Env, which this
 * Node project does not type).
 */
async function order(tx: Transaction, plan: PlanId, business: { country: string; region?: string; categories: string[]; longDescription?: string }) {
  const email = `${uniq("fit")}@example.com`;
  const paid = await fulfilCheckoutSession(tx, { catalog: "live", livemode: false }, checkoutSession({ plan, email, country: business.country }));
  if (paid.status !== "fulfilled") throw new Error(`not fulfilled: ${paid.status}`);
  await tx.insert(t.businessProfiles).values({
    customerId: paid.customerId,
    businessName: "Crumb & Co",
    street: "1 Main St",
    city: "Columbus",
    region: business.region ?? null,
    country: business.country,
    phone: "+16145550100",
    email,
    shortDescription: "Fresh bread every morning",
    longDescription: business.longDescription ?? null,
    categories: business.categories,
  });
  const fit = await fitJobToBusiness(tx, paid.jobId, "live");
  expect(fit.fitted).toBe(true);
  const picked = await tx
    .select({ scope: t.directories.scope, category: t.directories.category, country: t.directories.country, language: t.directories.language, priority: t.directorySubmissions.priority })
    .from(t.directorySubmissions)
    .innerJoin(t.directories, eq(t.directories.id, t.directorySubmissions.directoryId))
    .where(eq(t.directorySubmissions.jobId, paid.jobId));
  const [job] = await tx.select().from(t.jobs).where(eq(t.jobs.id, paid.jobId));
  return { picked, job: job!, initial: paid.directories };
}

describe("an order fitted to its business", () => {
  it("a bakery in Ohio: no legal, medical or dental niche, no German-only directory, its restaurant niche in", async () => {
    await isolated(async (tx) => {
      await seedCatalog(tx, uniq("bake"));
      const { picked, job, initial } = await order(tx, "enterprise", { country: "US", region: "OH", categories: ["Bakery"] });
      expect(picked.length).toBe(job.directoriesTotal);
      expect(picked.filter((d) => d.scope === "niche" && d.category !== "restaurants")).toEqual([]);
      expect(picked.some((d) => d.scope === "niche" && d.category === "restaurants")).toBe(true);
      expect(picked.filter((d) => d.scope !== "maps" && d.language !== "en")).toEqual([]);
      expect(new Set(picked.map((d) => d.country))).toEqual(new Set(["US", "INT"]));
      // Paid before the profile: only directories for everyone, then fitted.
      expect(picked.length).toBeGreaterThan(initial);
      // Priorities are the rank, without gaps.
      expect(picked.map((d) => d.priority).sort((a, b) => a - b)).toEqual(picked.map((_, i) => i));
    });
  });

  it("a lawyer gets the legal niche and not the restaurant one", async () => {
    await isolated(async (tx) => {
      await seedCatalog(tx, uniq("law"));
      const { picked } = await order(tx, "enterprise", { country: "US", categories: ["Law firm"] });
      expect(picked.some((d) => d.category === "legal")).toBe(true);
      expect(picked.filter((d) => d.scope === "niche" && d.category !== "legal")).toEqual([]);
    });
  });

  it("German text in the profile opens German directories to a US business", async () => {
    await isolated(async (tx) => {
      await seedCatalog(tx, uniq("de"));
      const { picked } = await order(tx, "enterprise", {
        country: "US",
        categories: ["Bakery"],
        longDescription: "Wir backen jeden Morgen frisches Brot und Brötchen aus regionalem Mehl, ohne Zusatzstoffe und mit viel Liebe.",
      });
      expect(picked.some((d) => d.scope === "general" && d.language === "de")).toBe(true);
    });
  });

  it("a Quebec business gets French-Canadian directories; one in Ontario does not", async () => {
    await isolated(async (tx) => {
      await seedCatalog(tx, uniq("qc"));
      const quebec = await order(tx, "enterprise", { country: "CA", region: "QC", categories: ["Boulangerie"] });
      expect(quebec.picked.some((d) => d.country === "CA" && d.language === "fr" && d.category === "restaurants")).toBe(true);
      const ontario = await order(tx, "enterprise", { country: "CA", region: "ON", categories: ["Bakery"] });
      expect(ontario.picked.filter((d) => d.language === "fr")).toEqual([]);
      expect(ontario.picked.some((d) => d.country === "CA")).toBe(true);
    });
  });

  it("leaves a job whose directories staff edited as staff made it", async () => {
    await isolated(async (tx) => {
      await seedCatalog(tx, uniq("staff"));
      const email = `${uniq("fit")}@example.com`;
      const paid = await fulfilCheckoutSession(tx, { catalog: "live", livemode: false }, checkoutSession({ plan: "enterprise", email, country: "US" }));
      if (paid.status !== "fulfilled") throw new Error(paid.status);
      await tx.insert(t.jobEvents).values({ jobId: paid.jobId, customerId: paid.customerId, kind: "directories_edited", message: "by staff", dedupeKey: `directories_edited:${paid.jobId}:x` });
      await tx.insert(t.businessProfiles).values({ customerId: paid.customerId, businessName: "Crumb", country: "US", categories: ["Bakery"] });
      const before = await tx.select({ d: t.directorySubmissions.directoryId }).from(t.directorySubmissions).where(eq(t.directorySubmissions.jobId, paid.jobId));
      expect(await fitJobToBusiness(tx, paid.jobId, "live")).toMatchObject({ fitted: false });
      const after = await tx.select({ d: t.directorySubmissions.directoryId }).from(t.directorySubmissions).where(eq(t.directorySubmissions.jobId, paid.jobId));
      expect(after.map((r) => r.d).sort()).toEqual(before.map((r) => r.d).sort());
    });
  });

  for (const plan of PLAN_IDS) {
    it(`${plan}: the preview's count is what a real order of that business gets`, async () => {
      await isolated(async (tx) => {
        await seedCatalog(tx, uniq("prev"));
        const preview = await previewAvailability(tx, "live", { country: "US", category: "bakery" });
        const { picked } = await order(tx, plan, { country: "US", categories: ["Bakery"] });
        const shown = preview.find((p) => p.plan === plan)!;
        expect(shown.available).toBe(picked.length);
        expect(shown.list.length).toBe(picked.length);
        expect(shown.list.every((d) => d.submittedBy === "browser" || d.submittedBy === "staff")).toBe(true);
      });
    });
  }

  it("a directory held after a failed check is neither previewed nor ordered", async () => {
    await isolated(async (tx) => {
      const tag = uniq("hold");
      await seedCatalog(tx, tag);
      const before = (await previewAvailability(tx, "live", { country: "US", category: "bakery" })).find((p) => p.plan === "enterprise")!;
      const held = before.list[0]!;
      await tx.update(t.directories).set({ checkHold: true, checkStatus: "gone" }).where(eq(t.directories.name, held.name));
      const after = (await previewAvailability(tx, "live", { country: "US", category: "bakery" })).find((p) => p.plan === "enterprise")!;
      expect(after.list.map((d) => d.name)).not.toContain(held.name);
      const { picked } = await order(tx, "enterprise", { country: "US", categories: ["Bakery"] });
      expect(picked.length).toBe(after.available);
    });
  });
});
