import { env, exports } from "cloudflare:workers";
import { signUserToken } from "../../src/auth/user-token";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import type { TaskMessage, TaskReport } from "../../core/protocol/tasks";
import { chooseReplacement } from "../../durable-objects/coordinator/replacements";
import { connectFromWorker } from "../../src/db/worker-database";
import { allowFaults, captureReleases, consume, expireTimers, settled, stubFor, withReplacements } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { seedJob, spareDirectories } from "./support/seed";
import { parseCsv } from "../../src/catalog/csv";
import { submissionsCsv } from "../../core/csv";

/** Every directory of the job's first pick, and every replacement, is refused for good if its id is in `refused`. */
const refusing = (refused: Set<string>) => (m: TaskMessage) =>
  refused.has(m.submissionId)
    ? { outcome: "failed" as const, failureClass: "validation" as const, reason: "phone refused" }
    : { outcome: "submitted" as const, listingUrl: `https://listing.example/${m.submissionId}` };

async function rows(jobId: string) {
  return query<{ id: string; directory_id: string; status: string; replaces_submission_id: string | null; replacement_reason: string | null }>(
    "select id, directory_id, status, replaces_submission_id, replacement_reason from directory_submissions where job_id = $1",
    [jobId],
  );
}

async function replacementEvents(jobId: string) {
  return query<{ submission_id: string; message: string }>("select submission_id, message from job_events where job_id = $1 and kind = 'submission_replacement'", [jobId]);
}

describe("JobCoordinator replacements", () => {
  it("replaces a directory that fails for good with the next relevant one, and the job delivers its full count", async () => {
    await spareDirectories(2);
    const seeded = await seedJob({ directories: 4 });
    const [lost] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const reports = await consume(seeded.jobId, released, refusing(new Set([lost!])));

    const progress = await stub.progress();
    // The replaced directory is out of the counts: 4 directories, 4 delivered, 1 replaced (not 5 with 1 failed).
    expect(progress).toMatchObject({ status: "completed", submitted: 4, failed: 0, replaced: 1, total: 4, percent: 100 });
    await settled(seeded.jobId);
    expect(await query("select directories_total, directories_submitted, directories_failed from jobs where id = $1", [seeded.jobId])).toEqual([
      { directories_total: 4, directories_submitted: 4, directories_failed: 0 },
    ]);
    const pg = await rows(seeded.jobId);
    const replacement = pg.filter((r) => r.replaces_submission_id !== null);
    expect(replacement).toHaveLength(1);
    expect(replacement[0]).toMatchObject({ replaces_submission_id: lost, replacement_reason: "validation: phone refused", status: "submitted" });
    // A directory not yet in the job, and one the business holds nowhere else.
    const original = new Set(pg.filter((r) => r.replaces_submission_id === null).map((r) => r.directory_id));
    expect(original.has(replacement[0]!.directory_id)).toBe(false);
    const events = await replacementEvents(seeded.jobId);
    expect(events).toHaveLength(1);
    expect(events[0]!.submission_id).toBe(replacement[0]!.id);
    expect(events[0]!.message).toMatch(/ replaces Directory 0 \(validation: phone refused\)$/);

    // The portal's and the staff page's rows and the CSV say what it replaces and why.
    const snapshot = await stub.snapshot();
    expect(snapshot.submissions.find((r) => r.submissionId === replacement[0]!.id)?.replaces).toEqual({ submissionId: lost, reason: "validation: phone refused" });
    const csv = parseCsv(submissionsCsv(snapshot.submissions)).map((r) => r.record);
    expect(csv.find((r) => r.submission_id === replacement[0]!.id)).toMatchObject({ replaces_directory: "Directory 0", replaces_submission_id: lost, replacement_reason: "validation: phone refused" });
    expect(csv.filter((r) => r.replaces_submission_id !== "")).toHaveLength(1);

    // Replayed reports (the failure first) change nothing: no second replacement.
    const failure = reports.find((r) => r.submissionId === lost)!;
    const replayed = await stub.reportMany([failure, ...reports, failure]);
    expect(replayed.every((r) => !r.applied)).toBe(true);
    await settled(seeded.jobId);
    expect((await rows(seeded.jobId)).filter((r) => r.replaces_submission_id !== null)).toHaveLength(1);
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 4, replaced: 1, total: 4 });
  });

  it("chooses each replacement once through a Postgres outage, an eviction and a choice made by the evicted instance", async () => {
    await spareDirectories(2);
    const seeded = await seedJob({ directories: 3 });
    const [lost] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);

    // Postgres is down when the directory fails for good: the failure is kept, the choice waits.
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      instance.database = async () => {
        throw new Error("connection refused");
      };
    });
    const first = released.find((m) => m.submissionId === lost)!;
    expect(await stub.lease(first.submissionId, first.attempt, "w")).not.toBeNull();
    const failure: TaskReport = { jobId: seeded.jobId, submissionId: lost!, attempt: first.attempt, outcome: "failed", failureClass: "validation", reason: "phone refused" };
    expect(await stub.report(failure)).toMatchObject({ applied: true, status: "failed" });
    expect(await stub.report(failure)).toMatchObject({ applied: false });
    expect((await rows(seeded.jobId)).filter((r) => r.replaces_submission_id !== null)).toHaveLength(0);

    // The instance that was cut off had chosen already in Postgres (its SQLite write was lost with it).
    const conn = await connectFromWorker(env);
    let chosenBefore: string;
    try {
      const chosen = await chooseReplacement(conn.db, { jobId: seeded.jobId, catalog: "sandbox", replaced: { submissionId: lost!, reason: "phone refused" } });
      expect(chosen).toMatchObject({ replacesSubmissionId: lost });
      chosenBefore = (chosen as { submissionId: string }).submissionId;
      // Asking again gives the same row.
      expect(await chooseReplacement(conn.db, { jobId: seeded.jobId, catalog: "sandbox", replaced: { submissionId: lost!, reason: "other" } })).toMatchObject({ submissionId: chosenBefore });
    } finally {
      await conn.close();
    }

    await allowFaults(seeded.jobId);
    try {
      await (await stub.faults()).evict();
    } catch {
      // The aborted instance may fail the call that aborted it.
    }
    const fresh = stubFor(seeded.jobId);
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    // The alarm of the fresh instance (Postgres is back) takes the row already chosen.
    await expireTimers(seeded.jobId);
    expect(released.map((m) => m.submissionId)).toContain(chosenBefore!);

    // The rest of the job, with every report replayed once more.
    const reports = await consume(seeded.jobId, released, refusing(new Set([lost!])));
    await fresh.reportMany([...reports, failure]);
    expect(await fresh.progress()).toMatchObject({ status: "completed", submitted: 3, failed: 0, replaced: 1, total: 3 });
    await settled(seeded.jobId);
    const pg = await rows(seeded.jobId);
    expect(pg.filter((r) => r.replaces_submission_id !== null).map((r) => r.id)).toEqual([chosenBefore!]);
    expect(await replacementEvents(seeded.jobId)).toHaveLength(1);
  });

  it("replaces a directory where the business is listed by someone else (skipped), once", async () => {
    await spareDirectories(1);
    const seeded = await seedJob({ directories: 2 });
    const [listed] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const reports = await consume(seeded.jobId, released, (m) =>
      m.submissionId === listed
        ? { outcome: "failed" as const, failureClass: "duplicate_listing" as const, reason: "this business is already listed" }
        : { outcome: "submitted" as const, listingUrl: `https://listing.example/${m.submissionId}` },
    );
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 2, skipped: 0, replaced: 1, total: 2 });
    await stub.reportMany(reports);
    await settled(seeded.jobId);
    const replacement = (await rows(seeded.jobId)).filter((r) => r.replaces_submission_id !== null);
    expect(replacement).toHaveLength(1);
    expect(replacement[0]).toMatchObject({ replaces_submission_id: listed, status: "submitted" });
  });
  it("refuses a staff retry of a submission already replaced (409 already_replaced): both would be delivered", async () => {
    await spareDirectories(1);
    const seeded = await seedJob({ directories: 2 });
    const [lost] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await withReplacements(seeded.jobId);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await consume(seeded.jobId, released, refusing(new Set([lost!])));
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 2, replaced: 1, total: 2 });

    const staff = await signUserToken(env, { userId: crypto.randomUUID(), email: `staff-${crypto.randomUUID()}@example.com`, staff: true });
    const res = await exports.default.fetch(`http://localhost/api/staff/jobs/${seeded.jobId}/submissions/${lost}/retry`, { method: "POST", headers: { authorization: `Bearer ${staff}` } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "already_replaced" } });
    expect(await stub.retrySubmission(lost!)).toEqual({ applied: false, reason: "already_replaced" });
    // "Retry failed" leaves it too; nothing went back to the queue, the job stays completed.
    expect(await stub.retryFailed()).toEqual({ retried: 0 });
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 2, replaced: 1, total: 2, remaining: 0 });
    expect((await stub.snapshot()).submissions.find((r) => r.submissionId === lost)?.status).toBe("failed");
  });
});
