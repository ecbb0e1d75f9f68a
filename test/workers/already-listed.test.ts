/**
 * Existing listings first (issue 17 item 2), in the coordinator: a first
 * attempt that found the business listed already reports `already_listed`.
 * Matching: the submission ends already_listed (live for the customer, not
 * delivered) and is replaced, once, under replayed reports. Differing: a
 * claim-and-correct staff task with each difference, nothing replaced.
 */
import { describe, expect, it } from "vitest";
import { listingState, listingSummary } from "../../core/listing-states";
import type { TaskMessage, TaskReport } from "../../core/protocol/tasks";
import { deliveredCount } from "../../src/jobs/delivered";
import { connectFromWorker } from "../../src/db/worker-database";
import { env } from "cloudflare:workers";
import { captureReleases, consume, settled, startOneTask, stubFor, withReplacements } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { seedJob, spareDirectories } from "./support/seed";

async function rows(jobId: string) {
  return query<{ id: string; status: string; listing_url: string | null; evidence_key: string | null; replaces_submission_id: string | null }>(
    "select id, status, listing_url, evidence_key, replaces_submission_id from directory_submissions where job_id = $1",
    [jobId],
  );
}

const found = (m: TaskMessage) => `https://directory.example/listing/${m.submissionId}`;

describe("already listed before the first attempt", () => {
  it("ends already_listed with the found URL and screenshot, counts live but not delivered, and is replaced once under replayed reports", async () => {
    await spareDirectories(2, "listed");
    const seeded = await seedJob({ directories: 3 });
    const [listed] = seeded.submissionIds;
    // The customer's agency listens for what becomes of each directory.
    await query("insert into webhook_endpoints (customer_id, url, secret, events) values ($1, $2, 'whsec_test', '{submission.already_listed,submission.replacement}')", [
      seeded.customerId,
      `https://hooks.agency.example/${listed}`,
    ]);
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const reports = await consume(seeded.jobId, released, (m) =>
      m.submissionId === listed ? { outcome: "already_listed", listingUrl: found(m), evidenceKey: `jobs/${m.jobId}/${m.submissionId}/1-found.png`, differences: [] } : { outcome: "submitted" },
    );

    // Three delivered (two of the first pick and the replacement), one found listed: total 4.
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 3, alreadyListed: 1, failed: 0, total: 4 });
    await settled(seeded.jobId);
    const pg = await rows(seeded.jobId);
    expect(pg.find((r) => r.id === listed)).toMatchObject({
      status: "already_listed",
      listing_url: `https://directory.example/listing/${listed}`,
      evidence_key: `jobs/${seeded.jobId}/${listed}/1-found.png`,
    });
    expect(pg.filter((r) => r.replaces_submission_id === listed)).toHaveLength(1);
    const conn = await connectFromWorker(env);
    try {
      expect(await deliveredCount(conn.db, seeded.jobId)).toBe(3);
    } finally {
      await conn.close();
    }
    // The customer sees it live (with its link), beside the listings we delivered.
    const snapshot = await stub.snapshot();
    const view = snapshot.submissions.find((s) => s.submissionId === listed)!;
    expect(view).toMatchObject({ status: "already_listed", listingUrl: `https://directory.example/listing/${listed}` });
    // Live for the customer (the others are submitted, not yet live), not delivered.
    expect(listingSummary(snapshot.submissions)).toMatchObject({ live: 1, byState: { already_listed: 1, submitted: 3 } });

    // Replayed reports, the already_listed one first and last: nothing changes, no second replacement.
    const first = reports.find((r) => r.submissionId === listed)!;
    const replayed = await stub.reportMany([first, ...reports, first]);
    expect(replayed.every((r) => !r.applied)).toBe(true);
    await settled(seeded.jobId);
    const after = await rows(seeded.jobId);
    expect(after.filter((r) => r.replaces_submission_id !== null)).toHaveLength(1);
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 3, alreadyListed: 1, total: 4 });
    // The agency heard each once, replays included: the listing found, and the directory that took its place.
    const hooks = await query<{ event_type: string; body: string }>("select event_type, body from webhook_deliveries where customer_id = $1 order by event_type", [seeded.customerId]);
    expect(hooks.map((h) => h.event_type)).toEqual(["submission.already_listed", "submission.replacement"]);
    const [foundHook, replacementHook] = hooks.map((h) => JSON.parse(h.body));
    expect(foundHook.data.submission).toMatchObject({ id: listed, status: "already_listed", listing_url: `https://directory.example/listing/${listed}` });
    expect(replacementHook.data.submission.id).toBe(after.find((r) => r.replaces_submission_id === listed)!.id);
  });

  it("a found listing with a wrong phone becomes a claim-and-correct staff task with the difference; nothing is replaced or posted", async () => {
    const seeded = await seedJob({ directories: 2 });
    const [listed] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const difference = { field: "phone" as const, shown: "(415) 555-0199", profile: "+14155550142" };
    const sent: TaskReport[] = [];
    for (const m of released.splice(0)) {
      expect(await stub.lease(m.submissionId, m.attempt, "w")).not.toBeNull();
      const report: TaskReport =
        m.submissionId === listed
          ? { jobId: m.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "already_listed", listingUrl: found(m), differences: [difference] }
          : { jobId: m.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" };
      sent.push(report);
      expect(await stub.report(report)).toMatchObject({ applied: true });
    }
    // A replay changes nothing.
    expect(await stub.report(sent.find((r) => r.submissionId === listed)!)).toMatchObject({ applied: false });
    expect(released).toEqual([]);

    const tasks = await stub.staffTaskList();
    expect(tasks.map((t) => t.submissionId)).toEqual([listed]);
    const packet = await stub.staffTaskPacket(listed!);
    expect(packet).toMatchObject({
      ok: true,
      packet: { status: "manual", listingUrl: `https://directory.example/listing/${listed}`, claim: { url: `https://directory.example/listing/${listed}`, differences: [difference] } },
    });
    expect(packet.ok && packet.packet.reason).toMatch(/^Claim and correct: .* with a different phone/);
    // The customer is told what our staff do there, in words.
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === listed)!;
    expect(view).toMatchObject({ status: "manual", staffTask: true, claimAndCorrect: true });
    expect(listingState(view).detail).toMatch(/already listed here, with details that differ/);
    // Staff work holds the job open; no replacement is chosen for it.
    expect(await stub.progress()).toMatchObject({ status: "in_progress", manual: 1, submitted: 1, total: 2 });
    await settled(seeded.jobId);
    expect((await rows(seeded.jobId)).filter((r) => r.replaces_submission_id !== null)).toHaveLength(0);
  });

  it("tells a retry whether an earlier attempt posted: only then is a listing found there taken as ours", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    const fail = (attempt: number): TaskReport => ({ jobId, submissionId, attempt, outcome: "failed", failureClass: "transient", reason: "the page never answered" });
    expect(await next()).toMatchObject({ attempt: 1, earlierPost: false });
    expect(await stub.report(fail(1))).toMatchObject({ applied: true, status: "retrying" });
    // The first attempt failed before any submit: the retry may find only the business's own listing.
    expect(await next()).toMatchObject({ attempt: 2, earlierPost: false });
    expect(await stub.posting(submissionId, 2)).toBe(true);
    expect(await stub.report(fail(2))).toMatchObject({ applied: true, status: "retrying" });
    // The second attempt announced its post: from now on a listing found there may be ours.
    expect(await next()).toMatchObject({ attempt: 3, earlierPost: true });
  });

  it("refuses an already_listed report without the found URL (the wire schema)", async () => {
    const { taskReportSchema } = await import("../../core/protocol/tasks");
    const id = crypto.randomUUID();
    expect(taskReportSchema.safeParse({ jobId: id, submissionId: id, attempt: 1, outcome: "already_listed" }).success).toBe(false);
    expect(
      taskReportSchema.safeParse({ jobId: id, submissionId: id, attempt: 1, outcome: "already_listed", listingUrl: "https://d.example/l/1", differences: [{ field: "fax", shown: "1", profile: "2" }] })
        .success,
    ).toBe(false);
    expect(taskReportSchema.safeParse({ jobId: id, submissionId: id, attempt: 1, outcome: "already_listed", listingUrl: "https://d.example/l/1" }).success).toBe(true);
  });
});
