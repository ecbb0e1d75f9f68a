/**
 * The IntelligentRetryAnalyzer inside the JobCoordinator (coordinator/retry-desk.ts),
 * in workerd against real Postgres: a refusal the engine can meet is retried
 * once with the fix in the lease, a missing captcha is retried expecting one,
 * a directory that keeps failing is not retried for a temporary error, and a
 * stop carries a reason for staff into the job's events.
 */
import { describe, expect, it } from "vitest";
import { expireTimers, settled, startOneTask } from "./support/coordinator-harness";
import { query } from "./support/purchase";

const PHONE_REFUSED = 'the directory refused a field: Phone (tel) — "Phone: enter the number without the country code (national format)."';

describe("the retry analyzer in the coordinator", () => {
  it("retries a refused phone once in the format the directory asked for, then stops with a reason for staff", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    const first = await next();
    expect(first.retryHints).toBeUndefined();
    await stub.report({ jobId, submissionId, attempt: 1, outcome: "failed", failureClass: "validation", reason: PHONE_REFUSED, httpStatus: 422 });
    // Due in 5 s: released at once with a queue delay, as attempt 2.
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!;
    expect(view).toMatchObject({ status: "queued", attempt: 2, failureClass: "validation" });
    expect((await stub.snapshot()).activity.map((a) => a.message).join("\n")).toContain("retrying with the phone in national format");

    const second = await next();
    expect(second.attempt).toBe(2);
    expect(second.retryHints).toEqual({ fixes: [{ field: "tel", want: "national" }] });
    // The same refusal again: the fix did not help, so no third attempt.
    await stub.report({ jobId, submissionId, attempt: 2, outcome: "failed", failureClass: "validation", reason: PHONE_REFUSED });
    const after = (await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!;
    expect(after.status).toBe("failed");
    expect(after.failureReason).toBe(`validation: ${PHONE_REFUSED}`);

    await settled(jobId);
    const [event] = await query<{ data: { staffReason: string; outcome: { attempt: number; failureClass: string } } }>(
      // The staff reason is in the staff-only notes, beside the event customers read (migration 0013).
      "select e.data || n.data as data from job_events e join job_event_staff_notes n on n.job_event_id = e.id where e.submission_id = $1 and e.kind = 'submission_failed'",
      [submissionId],
    );
    expect(event!.data.outcome).toMatchObject({ attempt: 2, failureClass: "validation" });
    expect(event!.data.staffReason).toContain("even after sending the tel national");
    expect(event!.data.staffReason).toContain("without the country code");
  });

  it("a fix that worked leaves an accepted submission, and the hints stay with the submission only", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    await next();
    await stub.report({ jobId, submissionId, attempt: 1, outcome: "failed", failureClass: "validation", reason: 'Description — "Description must be at most 300 characters."' });
    const second = await next();
    expect(second.retryHints).toEqual({ fixes: [{ field: "description", want: "shorter", maxLength: 300 }] });
    await stub.report({ jobId, submissionId, attempt: 2, outcome: "submitted" });
    expect((await stub.progress()).status).toBe("completed");
    await settled(jobId);
    const [row] = await query<{ status: string; attempt: number }>("select status, attempt from directory_submissions where id = $1", [submissionId]);
    expect(row).toEqual({ status: "submitted", attempt: 2 });
  });

  it("reads a captcha the directory wanted but the attempt never saw as a captcha failure, and retries expecting one", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    await next();
    await stub.report({ jobId, submissionId, attempt: 1, outcome: "failed", failureClass: "validation", reason: "Please complete the captcha.", captcha: "none_seen" });
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!;
    expect(view).toMatchObject({ attempt: 2, failureClass: "captcha" });
    const second = await next();
    expect(second.retryHints).toEqual({ fixes: [], expectCaptcha: true });
  });

  it("does not retry a temporary error at a directory that has failed every time lately", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask(async (directoryId) => {
      await query("insert into directory_stats (directory_id, attempts, accepted, consecutive_failures) values ($1, 9, 0, 9)", [directoryId]);
    });
    await next();
    await stub.report({ jobId, submissionId, attempt: 1, outcome: "failed", failureClass: "transient", reason: "HTTP 503", httpStatus: 503 });
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!;
    expect(view.status).toBe("failed");
    expect(view.failureReason).toContain("has failed 9 times in a row");
  });

  it("counts a worker's reported failures in the directory's history, but not an expired lease", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask(async (directoryId) => {
      await query("insert into directory_stats (directory_id, attempts, accepted, consecutive_failures) values ($1, 6, 0, 6)", [directoryId]);
    });
    await next();
    // Attempt 1 vanishes (the lease expires): a worker problem, not the directory's; retried.
    await expireTimers(jobId);
    expect((await next()).attempt).toBe(2);
    // Attempts 2 and 3 fail at the directory: 6 → 7 → 8 failures in a row; attempt 4 meets 8 in a row
    // and stops, where the retry policy alone would allow 5 attempts of a temporary error.
    await stub.report({ jobId, submissionId, attempt: 2, outcome: "failed", failureClass: "transient", reason: "HTTP 502", httpStatus: 502 });
    expect((await next()).attempt).toBe(3);
    await stub.report({ jobId, submissionId, attempt: 3, outcome: "failed", failureClass: "transient", reason: "HTTP 502", httpStatus: 502 });
    expect((await next()).attempt).toBe(4);
    await stub.report({ jobId, submissionId, attempt: 4, outcome: "failed", failureClass: "transient", reason: "HTTP 502", httpStatus: 502 });
    expect((await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!).toMatchObject({ status: "failed" });
  });

  it("does not count our own failures (browser lost, engine error) in the directory's history: they never make it look down", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask(async (directoryId) => {
      await query("insert into directory_stats (directory_id, attempts, accepted, consecutive_failures) values ($1, 7, 0, 7)", [directoryId]);
    });
    // 7 in a row already: one more counted failure would stop the next temporary error.
    for (const attempt of [1, 2, 3]) {
      expect((await next()).attempt).toBe(attempt);
      await stub.report({ jobId, submissionId, attempt, outcome: "failed", failureClass: "transient", reason: "the browser session was lost", infrastructure: true });
      // Retried: back in the queue (a retry due within a minute is released at once, with a delay).
      expect((await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!.status).toMatch(/^(retrying|queued)$/);
    }
    expect((await next()).attempt).toBe(4);
    await stub.report({ jobId, submissionId, attempt: 4, outcome: "submitted" });
    expect((await stub.snapshot()).submissions.find((s) => s.submissionId === submissionId)!).toMatchObject({ status: "submitted" });
  });
});
