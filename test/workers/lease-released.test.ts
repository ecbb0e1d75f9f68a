/** leaseReleased: a browser page that just reported takes a task already released to the queue; its message then finds it leased. */
import { describe, expect, it } from "vitest";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, stubFor } from "./support/coordinator-harness";
import { seedJob } from "./support/seed";

describe("coordinator leaseReleased", () => {
  it("leases released tasks only, best first, by the normal lease; their messages are then stale, and nothing unreleased is taken", async () => {
    const seeded = await seedJob({ directories: 6 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
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
    const seeded = await seedJob({ directories: 6 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
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
});
