/**
 * The host gap in the coordinator (coordinator/host-gap.ts), in workerd
 * against real Postgres: two directories on one host are not sent to the
 * browsers together while the job has other work, and the held one goes
 * when the job would otherwise sit idle, or when its host has rested.
 */
import { describe, expect, it } from "vitest";
import * as t from "../../src/db/schema";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, stubFor } from "./support/coordinator-harness";
import { withDb } from "./support/db";

/** Two directories whose forms live on one host (the catalog's first two), and one of their own. */
async function seedSharedHostJob() {
  const tag = crypto.randomUUID().slice(0, 8);
  return withDb(({ db }) =>
    db.transaction(async (tx) => {
      const dirs = await tx
        .insert(t.directories)
        .values(
          ["a1", "a2", "b"].map((name, i) => ({
            slug: `${tag}-${name}`,
            name: `Dir ${name}`,
            website: `https://${name}.${tag}.example`,
            submitUrl: name === "b" ? `https://b.${tag}.example/add` : `https://forms.${tag}.example/${name}/add`,
            priorityTier: 1,
            daScore: 60 - i,
            country: "INT",
            sandbox: true,
          })),
        )
        .returning({ id: t.directories.id, slug: t.directories.slug });
      const [c] = await tx
        .insert(t.customers)
        .values({ email: `${tag}@example.com` })
        .returning();
      await tx.insert(t.businessProfiles).values({ customerId: c!.id, businessName: `Biz ${tag}`, country: "DE", phone: "+4922112345678" });
      const [o] = await tx
        .insert(t.orders)
        .values({ customerId: c!.id, plan: "starter", status: "paid", stripeCheckoutSessionId: `cs_${tag}`, amountCents: 14900 })
        .returning();
      const [j] = await tx.insert(t.jobs).values({ orderId: o!.id, customerId: c!.id, plan: "starter", directoriesTotal: dirs.length }).returning();
      const subs = await tx
        .insert(t.directorySubmissions)
        .values(dirs.map((d, i) => ({ jobId: j!.id, directoryId: d.id, customerId: c!.id, priority: i })))
        .returning({ id: t.directorySubmissions.id, directoryId: t.directorySubmissions.directoryId });
      const slugOf = new Map(dirs.map((d) => [d.id, d.slug.slice(tag.length + 1)]));
      return { jobId: j!.id, nameOf: new Map(subs.map((s) => [s.id, slugOf.get(s.directoryId)!])) };
    }),
  );
}

describe("host gap in the coordinator", () => {
  it("holds a second directory of the same host while there is other work, and sends it when the job would idle", async () => {
    const job = await seedSharedHostJob();
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    const stub = stubFor(job.jobId);
    await stub.start(job.jobId);
    // Room for four, three tasks: one per host goes, the other shared-host one waits.
    const first = released.splice(0);
    expect(first.map((m) => job.nameOf.get(m.submissionId)).sort()).toEqual(["a1", "b"]);
    // One report, the other task still out: still held.
    const [a1, b] = [first.find((m) => job.nameOf.get(m.submissionId) === "a1")!, first.find((m) => job.nameOf.get(m.submissionId) === "b")!];
    for (const m of first) expect(await stub.lease(m.submissionId, m.attempt, "w1")).not.toBeNull();
    await stub.report({ jobId: job.jobId, submissionId: b.submissionId, attempt: b.attempt, outcome: "submitted" });
    expect(released).toEqual([]);
    // Nothing left in flight: rather than idle, the held task goes now (no clock moved).
    await stub.report({ jobId: job.jobId, submissionId: a1.submissionId, attempt: a1.attempt, outcome: "submitted" });
    expect(released.map((m) => job.nameOf.get(m.submissionId))).toEqual(["a2"]);
    const [a2] = released.splice(0) as [TaskMessage];
    expect(await stub.lease(a2.submissionId, a2.attempt, "w1")).not.toBeNull();
    await stub.report({ jobId: job.jobId, submissionId: a2.submissionId, attempt: a2.attempt, outcome: "submitted" });
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 3 });
  });
});
