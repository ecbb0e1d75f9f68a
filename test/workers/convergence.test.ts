/**
 * Convergence of a job's coordinator with Postgres (issue 22): a row Postgres
 * refuses does not block the rest of the job's writes, a listing another job
 * of the customer holds is never taken as ours, and an outbox that keeps
 * failing reaches staff and /metrics.
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import type { TaskMessage } from "../../core/protocol/tasks";
import { opsMonitorStub } from "../../core/rpc";
import { captureReleases, expireTimers, settled, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { postgresState, seedJob } from "./support/seed";
import { runScheduled } from "../../src/scheduled";

/** Another paid job of the same customer whose submission at `directoryId` is `status`. */
async function otherJobHolding(customerId: string, directoryId: string, status: string): Promise<string> {
  const [order] = await query<{ id: string }>("insert into orders (customer_id, plan, status, stripe_checkout_session_id, amount_cents) values ($1, 'starter', 'paid', $2, 14900) returning id", [
    customerId,
    `cs_test_${crypto.randomUUID()}`,
  ]);
  const [job] = await query<{ id: string }>("insert into jobs (order_id, customer_id, plan, directories_total) values ($1, $2, 'starter', 1) returning id", [order!.id, customerId]);
  await query("insert into directory_submissions (job_id, directory_id, customer_id, status, attempt) values ($1, $2, $3, $4, 1)", [job!.id, directoryId, customerId, status]);
  return job!.id;
}

async function directoryOf(submissionId: string): Promise<string> {
  const [row] = await query<{ directory_id: string }>("select directory_id from directory_submissions where id = $1", [submissionId]);
  return row!.directory_id;
}

async function started(directories: number) {
  const seeded = await seedJob({ directories });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  return { ...seeded, released, stub };
}

describe("the outbox against Postgres' constraints", () => {
  it("a listing approved while another job of the customer holds the directory's live listing becomes skipped, and the rest of the batch is written", async () => {
    const { jobId, customerId, submissionIds, released, stub } = await started(2);
    const [clash, other] = submissionIds as [string, string];
    const holder = await otherJobHolding(customerId, await directoryOf(clash), "approved");
    for (const m of released.splice(0)) {
      await stub.lease(m.submissionId, m.attempt, "w");
      await stub.report({ jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "approved", listingUrl: `https://live.example/${m.submissionId}` });
    }
    await settled(jobId);
    const snapshot = await stub.snapshot();
    expect(snapshot.submissions.find((s) => s.submissionId === clash)).toMatchObject({ status: "skipped", failureReason: `listed by job ${holder}` });
    expect(snapshot.submissions.find((s) => s.submissionId === other)).toMatchObject({ status: "approved" });
    const pg = await postgresState(jobId);
    expect(Object.fromEntries(pg.submissions.map((s) => [s.id, s.status]))).toEqual({ [clash]: "skipped", [other]: "approved" });
    expect(pg.job.status).toBe(snapshot.job.status);
    const [reason] = await query<{ failure_reason: string }>("select failure_reason from directory_submissions where id = $1", [clash]);
    expect(reason!.failure_reason).toBe(`listed by job ${holder}`);
    // The other job's listing is untouched.
    expect(await query("select 1 from directory_submissions where job_id = $1 and status = 'approved'", [holder])).toHaveLength(1);
  });

  it("a later attempt that finds the business listed is not ours when another job of the customer holds the directory", async () => {
    const { jobId, customerId, submissionIds, released, stub } = await started(1);
    const [sub] = submissionIds as [string];
    const first = released.shift()!;
    await stub.lease(sub, first.attempt, "w");
    await stub.report({ jobId, submissionId: sub, attempt: first.attempt, outcome: "failed", failureClass: "transient", reason: "503" });
    // Between the attempts, a later job of the same customer listed it.
    const holder = await otherJobHolding(customerId, await directoryOf(sub), "submitted");
    if (!released.length) await expireTimers(jobId);
    const second = released.shift()!;
    expect(second.attempt).toBe(2);
    await stub.lease(sub, 2, "w");
    const result = await stub.report({ jobId, submissionId: sub, attempt: 2, outcome: "failed", failureClass: "duplicate_listing", reason: "already listed" });
    expect(result).toEqual({ applied: true, status: "skipped" });
    await settled(jobId);
    const view = (await stub.snapshot()).submissions[0]!;
    expect(view).toMatchObject({ status: "skipped", failureReason: `listed by job ${holder}`, failureClass: "duplicate_listing" });
    expect((await postgresState(jobId)).submissions[0]).toMatchObject({ status: "skipped" });
  });
});

describe("staff retries after a later job took the directory", () => {
  it("retry failed skips a submission whose directory another job of the customer now holds, instead of submitting the business twice", async () => {
    const { jobId, customerId, submissionIds, released, stub } = await started(2);
    const [taken, free] = submissionIds as [string, string];
    for (const m of released.splice(0)) {
      await stub.lease(m.submissionId, m.attempt, "w");
      await stub.report({ jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "failed", failureClass: "site_gone", reason: "404" });
    }
    expect(await stub.progress()).toMatchObject({ status: "failed", failed: 2 });
    // A later order of the same customer re-used the first directory and got it live.
    const holder = await otherJobHolding(customerId, await directoryOf(taken), "approved");
    expect(await stub.retryFailed()).toEqual({ retried: 1 });
    expect(released.map((m) => m.submissionId)).toEqual([free]);
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === taken)!;
    expect(view).toMatchObject({ status: "skipped", failureReason: `listed by job ${holder}` });
    // One submission at a time too.
    expect(await stub.retrySubmission(taken)).toEqual({ applied: true, status: "skipped" });
    expect(released.map((m) => m.submissionId)).toEqual([free]);
    await settled(jobId);
    const pg = await postgresState(jobId);
    expect(pg.submissions.find((s) => s.id === taken)!.status).toBe("skipped");
  });
});

describe("an outbox that keeps failing", () => {
  it("raises one alert to staff (the ops activity) and is counted in /metrics; it clears once written", async () => {
    const { jobId, stub } = await started(3);
    await settled(jobId);
    await runInDurableObject(stub, async (instance: JobCoordinator) => {
      (instance as unknown as { realDatabase: unknown }).realDatabase = instance.database;
      instance.database = async () => {
        throw new Error("connect ECONNREFUSED (simulated outage)");
      };
    });
    await stub.pause("staff look");
    for (let i = 0; i < 6; i++) await expireTimers(jobId);
    const ops = opsMonitorStub(env.OPS_MONITOR);
    const alerts = (await ops.overview()).activity.filter((a) => a.kind === "alert_outbox_failing" && a.jobId === jobId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toContain("Postgres");
    const scrape = async () => (await (await exports.default.fetch("http://localhost/metrics", { headers: { authorization: `Bearer ${env.METRICS_TOKEN}` } })).text()).split("\n");
    let lines = await scrape();
    expect(lines.some((l) => /^directorybolt_coordinator_outbox_failing_jobs [1-9]/.test(l))).toBe(true);
    expect(lines.some((l) => /^directorybolt_coordinator_outbox_alerts_total [1-9]/.test(l))).toBe(true);
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      instance.database = (instance as unknown as { realDatabase: JobCoordinator["database"] }).realDatabase;
    });
    await expireTimers(jobId);
    await settled(jobId);
    expect((await postgresState(jobId)).job.status).toBe("paused");
    lines = await scrape();
    const failing = (await ops.metrics()).outboxFailingJobs;
    expect(failing).toBe(0);
    expect(lines.some((l) => l === "directorybolt_coordinator_outbox_failing_jobs 0")).toBe(true);
  });
});

/** What a refund does in Postgres (src/billing/fulfilment.ts refundCharge), without its call to the coordinator. */
async function refundedInPostgresOnly(jobId: string) {
  await query("update jobs set status = 'cancelled', status_reason = 'refunded' where id = $1", [jobId]);
  await query("update directory_submissions set status = 'skipped', failure_reason = 'refunded' where job_id = $1 and status = 'pending'", [jobId]);
}

describe("refunds and starts converge", () => {
  it("the coordinator never writes a job cancelled in Postgres back to in_progress, and cancels too", async () => {
    const { jobId, released, stub } = await started(10);
    await settled(jobId);
    await refundedInPostgresOnly(jobId);
    const [m] = released.splice(0, 1);
    await stub.lease(m!.submissionId, m!.attempt, "w");
    await stub.report({ jobId, submissionId: m!.submissionId, attempt: m!.attempt, outcome: "submitted" });
    await settled(jobId);
    expect(await stub.progress()).toMatchObject({ status: "cancelled", statusReason: "refunded", submitted: 1, skipped: 9 });
    const pg = await postgresState(jobId);
    expect(pg.job.status).toBe("cancelled");
    expect(pg.submissions.filter((s) => s.status === "skipped")).toHaveLength(9);
    // Messages already in the queue find the job cancelled.
    for (const q of released.splice(0)) expect(await stub.lease(q.submissionId, q.attempt, "w")).toBeNull();
  });

  it("the sweep re-sends the cancel of a cancelled job whose coordinator still holds work", async () => {
    const { jobId, released, stub } = await started(10);
    await settled(jobId);
    expect(released).toHaveLength(4);
    await refundedInPostgresOnly(jobId);
    const result = await runScheduled(env);
    expect(result.cancelled).toContain(jobId);
    expect(await stub.progress()).toMatchObject({ status: "cancelled", statusReason: "refunded", skipped: 10 });
    await settled(jobId);
    const pg = await postgresState(jobId);
    expect(pg.job.status).toBe("cancelled");
    expect(pg.submissions.every((s) => s.status === "skipped")).toBe(true);
    // Done: the next sweep leaves it alone.
    expect((await runScheduled(env)).cancelled).not.toContain(jobId);
  });

  it("the sweep starts a paid, ready job whose start call was lost", async () => {
    const seeded = await seedJob({ directories: 3 });
    await query("insert into job_events (job_id, customer_id, kind, message, dedupe_key) values ($1, $2, 'job_ready', 'ready', $3)", [seeded.jobId, seeded.customerId, `job_ready:${seeded.jobId}`]);
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const result = await runScheduled(env);
    expect(result.started).toContain(seeded.jobId);
    expect(await stubFor(seeded.jobId).progress()).toMatchObject({ status: "in_progress", total: 3 });
    expect(released).toHaveLength(3);
    await settled(seeded.jobId);
    expect((await postgresState(seeded.jobId)).job.status).toBe("in_progress");
    expect((await runScheduled(env)).started).not.toContain(seeded.jobId);
  });
});
