/**
 * leaseReleased: a browser page that just reported takes a task already released to the queue; its message then finds it leased.
 * reportAndLease: the same, in the report's own round trip and transaction.
 */
import { describe, expect, it } from "vitest";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, stubFor } from "./support/coordinator-harness";
import { seedJob } from "./support/seed";

/** A started job of 6 directories, its released messages captured (4, the in-flight cap). */
async function startedJob() {
  const seeded = await seedJob({ directories: 6 });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  return { seeded, released, stub };
}

describe("coordinator leaseReleased", () => {
  it("leases released tasks only, best first, by the normal lease; their messages are then stale, and nothing unreleased is taken", async () => {
    const { released, stub } = await startedJob();
    expect(released).toHaveLength(4); // the in-flight cap

    const ids = new Set(released.map((m) => m.submissionId));
    const taken: string[] = [];
    for (let i = 0; i < 4; i++) {
      const lease = await stub.leaseReleased("w1");
      expect(lease).not.toBeNull();
      taken.push(lease!.submissionId);
    }
    expect(new Set(taken)).toEqual(ids);
    // The cap is full and nothing else was released: nothing more to take.
    expect(await stub.leaseReleased("w1")).toBeNull();
    // The messages come: every task is already leased, so each is refused (no lease, no work).
    for (const m of released) expect(await stub.lease(m.submissionId, m.attempt, "w2")).toBeNull();
  });

  it("a retry due in seconds does not hold a slot while other work is due: the freed slot goes to that work, the retry waits unreleased", async () => {
    const { seeded, released, stub } = await startedJob();
    expect(released).toHaveLength(4);
    const [failing] = released;
    for (const m of released) expect(await stub.lease(m.submissionId, m.attempt, "w1")).not.toBeNull();
    // A refused phone: the retry analyzer retries it with the fix in about 5 s.
    const reason = 'the directory refused a field: Phone (tel) — "Phone: enter the number without the country code (national format)."';
    await stub.report({ jobId: seeded.jobId, submissionId: failing!.submissionId, attempt: 1, outcome: "failed", failureClass: "validation", reason, httpStatus: 422 });
    // The freed slot went to a pending task, due now; before, the retry was released into it with a queue delay and the slot sat idle.
    expect(released).toHaveLength(5);
    expect(released[4]!.submissionId).not.toBe(failing!.submissionId);
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === failing!.submissionId)!;
    expect(view).toMatchObject({ status: "retrying", attempt: 1 });
  });

  it("reportAndLease applies the report and leases the task its room released, in one call; that task's message is never sent", async () => {
    const { seeded, released, stub } = await startedJob();
    expect(released).toHaveLength(4); // the in-flight cap
    for (const m of released) expect(await stub.lease(m.submissionId, m.attempt, "w1")).not.toBeNull();
    const [done] = released;

    const report = { jobId: seeded.jobId, submissionId: done!.submissionId, attempt: done!.attempt, outcome: "submitted" as const };
    const answer = await stub.reportAndLease(report, "w1");
    expect(answer.result).toEqual({ applied: true, status: "submitted" });
    // The fifth task took the slot and went straight to the reporting worker: no message for it.
    expect(answer.next).not.toBeNull();
    const next = answer.next!;
    expect(released.map((m) => m.submissionId)).not.toContain(next.submissionId);
    expect(next).toMatchObject({ jobId: seeded.jobId, attempt: 1 });
    const snapshot = await stub.snapshot();
    expect(snapshot.submissions.find((s) => s.submissionId === next.submissionId)).toMatchObject({ status: "submitting" });
    expect(snapshot.job.inFlight).toBe(4);

    // The same report again (a retry after a lost answer) changes nothing; nothing is released, so no next task either.
    const again = await stub.reportAndLease(report, "w1");
    expect(again).toEqual({ result: { applied: false, reason: "already_final" }, next: null });
    expect(released).toHaveLength(4);
    expect((await stub.snapshot()).job.inFlight).toBe(4);

    // The next task's report is applied like any other.
    const last = await stub.reportAndLease({ jobId: seeded.jobId, submissionId: next.submissionId, attempt: next.attempt, outcome: "submitted" }, "w1");
    expect(last.result).toEqual({ applied: true, status: "submitted" });
    expect(last.next).not.toBeNull();
    expect((await stub.progress()).submitted).toBe(2);
  });

  it("reportAndLease takes no task of a paused job, but still applies the report", async () => {
    const { seeded, released, stub } = await startedJob();
    const [m] = released;
    expect(await stub.lease(m!.submissionId, m!.attempt, "w1")).not.toBeNull();
    await stub.pause("staff");
    const answer = await stub.reportAndLease({ jobId: seeded.jobId, submissionId: m!.submissionId, attempt: m!.attempt, outcome: "submitted" }, "w1");
    expect(answer).toEqual({ result: { applied: true, status: "submitted" }, next: null });
  });

  it("leaseMany takes a batch's tasks in one call, each as lease would: a stale or repeated one is null and changes nothing", async () => {
    const { released, stub } = await startedJob();
    expect(released).toHaveLength(4);
    const [a, b, c, d] = released;
    expect(await stub.lease(a!.submissionId, a!.attempt, "w0")).not.toBeNull();
    const leases = await stub.leaseMany(
      [a!, b!, { submissionId: c!.submissionId, attempt: c!.attempt + 1 }, d!, d!].map((m) => ({ submissionId: m.submissionId, attempt: m.attempt })),
      "w1",
    );
    // a: leased by another worker already; c: not its current attempt; d asked twice: taken once.
    expect(leases.map((l) => l?.submissionId ?? null)).toEqual([null, b!.submissionId, null, d!.submissionId, null]);
    const byId = new Map((await stub.snapshot()).submissions.map((s) => [s.submissionId, s.status]));
    expect([a, b, c, d].map((m) => byId.get(m!.submissionId))).toEqual(["submitting", "submitting", "queued", "submitting"]);
    // The leases are ordinary leases: reported as usual.
    const result = await stub.report({ jobId: leases[1]!.jobId, submissionId: b!.submissionId, attempt: b!.attempt, outcome: "submitted" });
    expect(result).toEqual({ applied: true, status: "submitted" });
  });
});
