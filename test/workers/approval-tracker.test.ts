/**
 * Approval tracking in a real JobCoordinator (workerd, Postgres): submitted
 * listings are looked up on their directory's schedule until found
 * (`approved`, live URL, screenshot) or the deadline passes (`failed`,
 * "not published"), and the checks stop there. The directories are answered
 * by a stand-in that serves search and listing pages as HTML, the way the
 * farm's do (the real farm is exercised in test/e2e/after-submit.test.ts).
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import type { AfterSubmit } from "../../durable-objects/coordinator/after-submit";
import { connectFromWorker } from "../../src/db/worker-database";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";

const SCHEDULE = { firstCheckMs: 0, everyMs: 150, deadlineMs: 900 };

/** A directory whose search lists `published` names, each with a listing page. */
function directoryStandIn(published: Set<string>, calls: string[]): typeof fetch {
  return async (input) => {
    const url = new URL(String(input));
    calls.push(url.href);
    if (url.pathname.endsWith("/search")) {
      const q = url.searchParams.get("q") ?? "";
      const hits = [...published].filter((n) => n.toLowerCase().includes(q.toLowerCase()));
      return new Response(`<html><body><h1>Search</h1><ul>${hits.map((n) => `<li><a href="listing/1">${n.replace(/&/g, "&amp;")}</a></li>`).join("")}</ul></body></html>`, {
        headers: { "content-type": "text/html" },
      });
    }
    if (url.pathname.endsWith("/listing/1") && published.size) return new Response(`<html><body><h1>${[...published][0]}</h1></body></html>`, { headers: { "content-type": "text/html" } });
    return new Response("not found", { status: 404 });
  };
}

async function trackedJob(published: Set<string>) {
  const seeded = await seedJob({ directories: 2 });
  const conn = await connectFromWorker(env);
  try {
    // The directories' catalog data: a search to look in, a review-type approval.
    await conn.client.query(
      "update directories set listing_search_url = website || '/search?q={query}', approval_type = 'review' where id in (select directory_id from directory_submissions where job_id = $1)",
      [seeded.jobId],
    );
  } finally {
    await conn.close();
  }
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const calls: string[] = [];
  const stub = stubFor(seeded.jobId);
  await runInDurableObject(stub, (instance: JobCoordinator) => {
    const after = (instance as unknown as { afterSubmit: AfterSubmit }).afterSubmit;
    after.schedules = { byApprovalType: { review: SCHEDULE } };
    after.fetcher = directoryStandIn(published, calls);
  });
  await stub.start(seeded.jobId);
  for (const m of released.splice(0)) {
    await stub.lease(m.submissionId, m.attempt, "test-worker");
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
  }
  return { ...seeded, stub, released, calls };
}

/** Runs the coordinator's alarm until `done` or 60 rounds, letting real time pass between. */
async function alarmsUntil(jobId: string, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60 && !(await done()); i++) {
    await new Promise((r) => setTimeout(r, 100));
    await runDurableObjectAlarm(stubFor(jobId));
  }
}

describe("approval tracking", () => {
  it('stops re-checking at the deadline: failed, reason "not published"', async () => {
    const job = await trackedJob(new Set());
    const final = async () => (await job.stub.progress()).failed === 2;
    await alarmsUntil(job.jobId, final);
    const snapshot = await job.stub.snapshot();
    expect(snapshot.submissions.map((s) => [s.status, s.failureReason])).toEqual([
      ["failed", "not published"],
      ["failed", "not published"],
    ]);
    // It was looked up more than once on the way (search URL from the catalog, the business's name).
    const searches = job.calls.filter((c) => c.includes("/search?q="));
    expect(searches.length).toBeGreaterThan(2);
    expect(decodeURIComponent(searches[0]!)).toContain("q=Bäckerei");
    // And never again after the deadline.
    const after = job.calls.length;
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await runDurableObjectAlarm(job.stub);
    }
    expect(job.calls.length).toBe(after);
    expect(job.released).toEqual([]);
    await settled(job.jobId);
    const pg = await postgresState(job.jobId);
    expect(pg.submissions.map((s) => s.status)).toEqual(["failed", "failed"]);
  });

  it("a listing found in the directory's search is screenshotted and approved with its live URL", async () => {
    const published = new Set<string>();
    const job = await trackedJob(published);
    await alarmsUntil(job.jobId, async () => job.calls.length >= 2);
    // Published after a few looks: the tracker finds it by name.
    const name = await runInDurableObject(job.stub, (i: JobCoordinator) => (i as unknown as { store: { job: { business: { businessName: string } } } }).store.job.business.businessName);
    published.add(name);
    await alarmsUntil(job.jobId, async () => job.released.length === 2);
    expect(job.released.map((m) => m.kind)).toEqual(["listing", "listing"]);
    for (const m of job.released) {
      const lease = await job.stub.leaseFollowup(m.submissionId, "listing", m.attempt, "test-worker");
      expect(lease?.url).toMatch(/\/listing\/1$/);
      expect(lease?.businessName).toBe(name);
      const evidenceKey = `jobs/${job.jobId}/${m.submissionId}/${m.attempt}-listing.png`;
      expect(await job.stub.reportFollowup({ jobId: job.jobId, submissionId: m.submissionId, kind: "listing", attempt: m.attempt, ok: true, httpStatus: 200, evidenceKey })).toEqual({ applied: true });
    }
    const snapshot = await job.stub.snapshot();
    for (const s of snapshot.submissions) {
      expect(s.status).toBe("approved");
      expect(s.listingUrl).toMatch(/^https:\/\/d\d\.[^/]+\/listing\/1$/);
      expect(s.evidenceKey).toBe(`jobs/${job.jobId}/${s.submissionId}/1-listing.png`);
    }
    expect(snapshot.job.approved).toBe(2);
    await settled(job.jobId);
    const pg = await postgresState(job.jobId);
    expect(pg.submissions.every((s) => s.status === "approved" && s.listing_url?.endsWith("/listing/1"))).toBe(true);
  });
});
