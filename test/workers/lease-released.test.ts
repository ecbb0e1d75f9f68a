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
});
