/**
 * Survival checks (issue 19) on the farm: listings placed on a real farm
 * directory, their submissions approved in Postgres (PGlite) with a go-live
 * date in the past, the checks run by src/listings/survival.ts at simulated
 * times (`now`), never waited for. The farm then deletes one listing and
 * changes another's phone, as a directory might.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as t from "../../src/db/schema";
import { runSurvivalChecks } from "../../src/listings/survival";
import { startFarm, type Farm } from "../../tools/farm/server";
import { openDatabase, uniq } from "./support";

const DAY = 86_400_000;
const PROFILE = { businessName: "Harbour Lights Bakery", street: "12 Harbour Street", city: "Portland", postalCode: "97201", phone: "+15035550142" };

let farm: Farm;
let slug: string;

beforeAll(async () => {
  farm = await startFarm({ publishDelayMs: 0 });
  slug = farm.variantFor("classic-for").slug;
});
afterAll(() => farm?.close());

/** A job of `count` live listings on the farm, approved at `approvedAt`. */
async function liveJob(count: number, approvedAt: Date) {
  const tag = uniq("surv");
  const conn = await openDatabase();
  try {
    return await conn.db.transaction(async (tx) => {
      const [customer] = await tx
        .insert(t.customers)
        .values({ email: `${tag}@example.com`, userId: crypto.randomUUID() })
        .returning();
      await tx.insert(t.businessProfiles).values({ customerId: customer!.id, country: "US", ...PROFILE });
      const [order] = await tx
        .insert(t.orders)
        .values({ customerId: customer!.id, plan: "starter", status: "paid", stripeCheckoutSessionId: `cs_test_${tag}`, amountCents: 4900 })
        .returning();
      const [job] = await tx.insert(t.jobs).values({ orderId: order!.id, customerId: customer!.id, plan: "starter", status: "completed", directoriesTotal: count }).returning();
      const listings = [];
      for (let i = 0; i < count; i++) {
        const listing = farm.placeListing(slug, {
          organization: PROFILE.businessName,
          tel: "(503) 555-0142",
          "address-line1": PROFILE.street,
          "address-level2": PROFILE.city,
          "postal-code": PROFILE.postalCode,
          email: `${tag}@example.com`,
        });
        const [dir] = await tx
          .insert(t.directories)
          .values({
            slug: `${tag}-${i}`,
            name: `Farm directory ${i}`,
            website: `${farm.url}/d/${slug}/`,
            submitUrl: `${farm.url}/d/${slug}/add`,
            priorityTier: 1,
            daScore: 50,
            country: "US",
            sandbox: true,
          })
          .returning();
        const [sub] = await tx
          .insert(t.directorySubmissions)
          .values({ jobId: job!.id, directoryId: dir!.id, customerId: customer!.id, status: "approved", listingUrl: listing.url, approvedAt })
          .returning();
        listings.push({ listingId: listing.id, submissionId: sub!.id });
      }
      return { jobId: job!.id, listings };
    });
  } finally {
    await conn.close();
  }
}

async function checksOf(jobId: string) {
  const conn = await openDatabase();
  try {
    const checks = await conn.client.query<{
      submission_id: string;
      milestone_days: number;
      state: string;
      verdict: string | null;
      differences: string[];
      shown: Record<string, string | null> | null;
    }>("select submission_id, milestone_days, state, verdict, differences, shown from listing_checks where job_id = $1 order by milestone_days", [jobId]);
    const mails = await conn.client.query<{ dedupe_key: string; data: Record<string, unknown> }>("select dedupe_key, data from notifications where job_id = $1 and kind = 'listing_flagged'", [jobId]);
    return { checks: checks.rows, mails: mails.rows };
  } finally {
    await conn.close();
  }
}

async function run(jobId: string, now: Date) {
  const conn = await openDatabase();
  try {
    return await runSurvivalChecks(conn.client, { now, jobId });
  } finally {
    await conn.close();
  }
}

describe("survival checks on the farm", () => {
  it("a listing that disappears is flagged at its next check, a changed phone is flagged, the untouched one stays live", async () => {
    const wentLive = new Date(Date.now() - 31 * DAY);
    const job = await liveJob(3, wentLive);
    const [gone, rephoned, kept] = job.listings;

    // Before 30 days nothing is due.
    expect(await run(job.jobId, new Date(wentLive.getTime() + 29 * DAY))).toEqual({ scheduled: 0, checked: 0, flagged: 0, retrying: 0 });
    // Day 31: the 30-day checks, every listing as in the profile.
    expect(await run(job.jobId, new Date(wentLive.getTime() + 31 * DAY))).toEqual({ scheduled: 3, checked: 3, flagged: 0, retrying: 0 });
    let state = await checksOf(job.jobId);
    expect(state.checks.map((c) => c.verdict)).toEqual(["live", "live", "live"]);
    expect(state.checks[0]!.shown).toMatchObject({ name: PROFILE.businessName, phone: "(503) 555-0142", address: PROFILE.street });

    // The directory drops one listing and prints another phone on the second.
    expect(farm.deleteListing(gone!.listingId)).toBe(true);
    farm.changeListing(rephoned!.listingId, { tel: "(503) 555-9999" });

    expect(await run(job.jobId, new Date(wentLive.getTime() + 91 * DAY))).toEqual({ scheduled: 3, checked: 3, flagged: 2, retrying: 0 });
    state = await checksOf(job.jobId);
    const at90 = new Map(state.checks.filter((c) => c.milestone_days === 90).map((c) => [c.submission_id, c]));
    expect(at90.get(gone!.submissionId)).toMatchObject({ state: "done", verdict: "gone", differences: [] });
    expect(at90.get(rephoned!.submissionId)).toMatchObject({ state: "done", verdict: "changed", differences: ["phone"] });
    expect(at90.get(rephoned!.submissionId)!.shown).toMatchObject({ phone: "(503) 555-9999", name: PROFILE.businessName });
    expect(at90.get(kept!.submissionId)).toMatchObject({ verdict: "live", differences: [] });
    expect(state.mails.map((m) => m.data.verdict).sort()).toEqual(["changed", "gone"]);
  });

  it("a check due twice (a replayed or overlapping cron) flags and e-mails once", async () => {
    const wentLive = new Date(Date.now() - 31 * DAY);
    const job = await liveJob(1, wentLive);
    farm.deleteListing(job.listings[0]!.listingId);
    const now = new Date(wentLive.getTime() + 31 * DAY);
    // Two runs at once, then a third replaying the same moment.
    const [a, b] = await Promise.all([run(job.jobId, now), run(job.jobId, now)]);
    const again = await run(job.jobId, now);
    expect(a.flagged + b.flagged + again.flagged).toBe(1);
    expect(a.scheduled + b.scheduled + again.scheduled).toBe(1);
    const state = await checksOf(job.jobId);
    expect(state.checks).toHaveLength(1);
    expect(state.mails).toHaveLength(1);
    expect(state.mails[0]!.data).toMatchObject({ verdict: "gone", milestoneDays: 30 });
  });

  it("a listing first looked at after 100 days is checked once, for its latest milestone; a directory that does not answer is looked at again later, not flagged", async () => {
    const wentLive = new Date(Date.now() - 100 * DAY);
    const job = await liveJob(1, wentLive);
    const now = new Date(wentLive.getTime() + 100 * DAY);
    const down: typeof fetch = async () => new Response("busy", { status: 503 });
    const conn = await openDatabase();
    try {
      expect(await runSurvivalChecks(conn.client, { now, jobId: job.jobId, fetch: down })).toEqual({ scheduled: 1, checked: 0, flagged: 0, retrying: 1 });
      // Not due again until the retry time.
      expect(await runSurvivalChecks(conn.client, { now, jobId: job.jobId, fetch: down })).toEqual({ scheduled: 0, checked: 0, flagged: 0, retrying: 0 });
      expect(await runSurvivalChecks(conn.client, { now: new Date(now.getTime() + DAY), jobId: job.jobId })).toEqual({ scheduled: 0, checked: 1, flagged: 0, retrying: 0 });
    } finally {
      await conn.close();
    }
    const state = await checksOf(job.jobId);
    expect(state.checks.map((c) => [c.milestone_days, c.verdict])).toEqual([[90, "live"]]);
    expect(state.mails).toHaveLength(0);
  });
});
