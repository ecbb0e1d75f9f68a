/**
 * A flagged survival check's screenshot (issue 19): the cron's verdict asks
 * the job's coordinator for a `check` browser task, which screenshots the
 * listing page and becomes the check's evidence in Postgres and the portal.
 * The job completed long before, and its coordinator was evicted with its
 * storage lost: it loads the job again from Postgres. Replayed and
 * concurrent cron runs ask for one task, and one screenshot, per check.
 */
import { env, exports } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkEvidenceKey } from "../../core/evidence-keys";
import type { TaskMessage } from "../../core/protocol/tasks";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import { connectFromWorker } from "../../src/db/worker-database";
import { requestCheckScreenshots, runSurvivalChecks } from "../../src/listings/survival";
import { headersOf, newPeople, type People } from "./support/actors";
import { allowFaults, captureReleases, settled, startOneTask, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";

const DAY = 86_400_000;

const call = async (path: string, people: People, actor: "customerA" | "customerB") => exports.default.fetch(`http://localhost${path}`, { headers: await headersOf(actor, people) });

async function withClient<T>(fn: (client: Awaited<ReturnType<typeof connectFromWorker>>["client"]) => Promise<T>): Promise<T> {
  const conn = await connectFromWorker(env);
  try {
    return await fn(conn.client);
  } finally {
    await conn.close();
  }
}

describe("a flagged listing's screenshot", () => {
  it("is taken once per check by the job's coordinator, after the job completed and its coordinator lost everything", async () => {
    const job = await startOneTask();
    const lease = await job.next();
    const listingUrl = `${lease.directory.website.replace(/\/$/, "")}/listing/7`;
    await job.stub.report({ jobId: job.jobId, submissionId: job.submissionId, attempt: lease.attempt, outcome: "approved", listingUrl });
    await settled(job.jobId);
    expect((await job.stub.progress()).status).toBe("completed");
    const [row] = await query<{ approved_at: Date }>("select approved_at from directory_submissions where id = $1", [job.submissionId]);
    const checkedAt = new Date(row!.approved_at.getTime() + 91 * DAY);
    await withClient((client) => runSurvivalChecks(client, { jobId: job.jobId, now: checkedAt, fetch: async () => new Response("gone", { status: 404 }) }));
    const [check] = await query<{ id: string; verdict: string }>("select id, verdict from listing_checks where submission_id = $1", [job.submissionId]);
    expect(check!.verdict).toBe("gone");

    // Months later: the coordinator's storage is gone and the object evicted.
    await runInDurableObject(job.stub, async (_instance: JobCoordinator, state) => {
      await state.storage.deleteAll();
    });
    await allowFaults(job.jobId);
    try {
      await (await job.stub.faults()).evict();
    } catch {
      // The aborted instance may fail the call that aborted it.
    }
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);

    // Two cron runs at once, then a replay of the same moment.
    const coordinators = (jobId: string) => stubFor(jobId);
    const asked = await withClient(async (a) =>
      withClient(async (b) => Promise.all([requestCheckScreenshots(a, coordinators, checkedAt, job.jobId), requestCheckScreenshots(b, coordinators, checkedAt, job.jobId)])),
    );
    expect(asked[0] + asked[1]).toBe(1);
    await query("update listing_checks set screenshot_requested_at = null where id = $1", [check!.id]);
    expect(await withClient((client) => requestCheckScreenshots(client, coordinators, checkedAt, job.jobId))).toBe(0);
    const checks = released.filter((m) => m.kind === "check");
    expect(checks).toEqual([{ jobId: job.jobId, submissionId: check!.id, attempt: 1, kind: "check" }]);

    // The browser worker's side: lease, store the PNG where the lease says, report (twice: a redelivery).
    const stub = stubFor(job.jobId);
    const followup = await stub.leaseFollowup(check!.id, "check", 1, "w");
    expect(followup).toMatchObject({ url: listingUrl, kind: "check", evidenceKey: checkEvidenceKey(job.jobId, job.submissionId, check!.id, 1) });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await env.EVIDENCE.put(followup!.evidenceKey!, png, { httpMetadata: { contentType: "image/png" } });
    const report = { jobId: job.jobId, submissionId: check!.id, kind: "check" as const, attempt: 1, ok: true, httpStatus: 404, finalUrl: listingUrl, evidenceKey: followup!.evidenceKey };
    expect(await stub.reportFollowup(report)).toEqual({ applied: true });
    expect(await stub.reportFollowup(report)).toEqual({ applied: false });
    await runDurableObjectAlarm(stub);
    const [stored] = await query<{ evidence_key: string | null; screenshot_requested_at: Date | null }>("select evidence_key, screenshot_requested_at from listing_checks where id = $1", [check!.id]);
    expect(stored).toMatchObject({ evidence_key: followup!.evidenceKey });
    expect(stored!.screenshot_requested_at).not.toBeNull();
    // The listing itself is untouched by its check's screenshot.
    expect((await stub.snapshot()).submissions[0]).toMatchObject({ status: "approved", listingUrl });

    // The portal's Listing care view shows it; a stranger gets 404.
    const people = newPeople(job.userId);
    const view = (await (await call(`/api/jobs/${job.jobId}/listings`, people, "customerA")).json()) as { listings: { check: { id: string; screenshot: boolean } }[] };
    expect(view.listings[0]!.check).toMatchObject({ id: check!.id, screenshot: true });
    const shot = await call(`/api/jobs/${job.jobId}/listing-checks/${check!.id}/screenshot`, people, "customerA");
    expect(shot.status).toBe(200);
    expect(shot.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await shot.arrayBuffer())).toEqual(png);
    expect((await call(`/api/jobs/${job.jobId}/listing-checks/${check!.id}/screenshot`, people, "customerB")).status).toBe(404);
    expect((await call(`/api/jobs/${job.jobId}/listing-checks/${crypto.randomUUID()}/screenshot`, people, "customerA")).status).toBe(404);
  });

  it("a check whose page could not be opened says so instead of a screenshot", async () => {
    const job = await startOneTask();
    const lease = await job.next();
    await job.stub.report({ jobId: job.jobId, submissionId: job.submissionId, attempt: lease.attempt, outcome: "approved", listingUrl: `${lease.directory.website.replace(/\/$/, "")}/listing/8` });
    await settled(job.jobId);
    const [row] = await query<{ approved_at: Date }>("select approved_at from directory_submissions where id = $1", [job.submissionId]);
    const checkedAt = new Date(row!.approved_at.getTime() + 31 * DAY);
    await withClient((client) => runSurvivalChecks(client, { jobId: job.jobId, now: checkedAt, fetch: async () => new Response("gone", { status: 410 }) }));
    const [check] = await query<{ id: string }>("select id from listing_checks where submission_id = $1", [job.submissionId]);
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    expect(await withClient((client) => requestCheckScreenshots(client, (jobId) => stubFor(jobId), checkedAt, job.jobId))).toBe(1);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const message = released.find((m) => m.kind === "check" && m.attempt === attempt);
      expect(message, `attempt ${attempt} released`).toBeDefined();
      expect(await job.stub.leaseFollowup(check!.id, "check", attempt, "w")).not.toBeNull();
      await job.stub.reportFollowup({ jobId: job.jobId, submissionId: check!.id, kind: "check", attempt, ok: false, reason: "browser error: net::ERR_CONNECTION_REFUSED" });
      await runInDurableObject(job.stub, (_i: JobCoordinator, state) => {
        state.storage.sql.exec("update followups set next_at = 0 where status = 'pending'");
      });
      await runDurableObjectAlarm(job.stub);
    }
    const [stored] = await query<{ evidence_key: string | null; screenshot_note: string | null }>("select evidence_key, screenshot_note from listing_checks where id = $1", [check!.id]);
    expect(stored!.evidence_key).toBeNull();
    expect(stored!.screenshot_note).toContain("ERR_CONNECTION_REFUSED");
  });
});
