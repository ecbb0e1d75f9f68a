/**
 * A report is applied, and the releases it allows are made, in one storage
 * transaction: when any write of it fails, none of it is kept (not the
 * task's status, not the counts the coordinator holds in memory, not the
 * outbox), so the worker's retry of the same report applies it once.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";

type Store = { enqueue(entity: string, id: string, payload: unknown): void };

describe("JobCoordinator report transaction", () => {
  it("keeps nothing of a report whose write failed, and applies its retry once", async () => {
    const seeded = await seedJob({ directories: 6 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await settled(seeded.jobId);
    const m = released.shift()!;
    expect(await stub.lease(m.submissionId, m.attempt, "w1")).not.toBeNull();
    const before = await stub.progress();
    const releasedBefore = released.length;

    // The event row, written after the task's new status, fails once.
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      const store = (instance as unknown as { store: Store }).store;
      const enqueue = store.enqueue.bind(store);
      let failed = false;
      store.enqueue = (entity, id, payload) => {
        if (entity === "event" && !failed) {
          failed = true;
          throw new Error("disk full (test)");
        }
        enqueue(entity, id, payload);
      };
    });
    const report = { jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" as const };
    const refused = await stub.report(report).catch((err: unknown) => err);
    expect(String(refused)).toContain("disk full");

    const after = await stub.progress();
    expect(after).toMatchObject({ submitted: before.submitted, inFlight: before.inFlight, total: before.total });
    const rows = await runInDurableObject(stub, (_i: JobCoordinator, state) => ({
      status: state.storage.sql.exec<{ status: string }>("select status from tasks where submission_id = ?", m.submissionId).one().status,
      outboxed: state.storage.sql.exec<{ n: number }>("select count(*) as n from outbox where entity = 'submission' and payload like '%\"submitted\"%'").one().n,
    }));
    expect(rows).toEqual({ status: "submitting", outboxed: 0 });
    expect(released.length).toBe(releasedBefore);

    // The worker sends the same report again: applied once, then refused as final.
    expect(await stub.report(report)).toEqual({ applied: true, status: "submitted" });
    expect(await stub.report(report)).toMatchObject({ applied: false, reason: "already_final" });
    const done = await stub.progress();
    expect(done.submitted).toBe(before.submitted + 1);
    await settled(seeded.jobId);
    const pg = await postgresState(seeded.jobId);
    expect(pg.submissions.find((s) => s.id === m.submissionId)?.status).toBe("submitted");
    expect(pg.job.directories_submitted).toBe(done.submitted);
  });
});
