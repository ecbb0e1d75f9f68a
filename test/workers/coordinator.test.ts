import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { POST_SETTLE_MS, type JobCoordinator } from "../../durable-objects/job-coordinator";
import type { TaskMessage, TaskReport } from "../../core/protocol/tasks";
import { allowFaults, captureReleases, consume, expireTimers, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";
import { TaskStore } from "../../durable-objects/coordinator/task-store";
import { connectFromWorker } from "../../src/db/worker-database";

/** Deterministic outcomes: most submit, some fail for good, some fail once then submit. */
function scripted(failOnce: Set<string>, failForever: Set<string>) {
  return (m: TaskMessage) => {
    if (failForever.has(m.submissionId)) return { outcome: "failed" as const, failureClass: "validation" as const, reason: "phone refused" };
    if (failOnce.has(m.submissionId) && m.attempt === 1) return { outcome: "failed" as const, failureClass: "transient" as const, reason: "502 from the directory" };
    return { outcome: "submitted" as const, listingUrl: `https://listing.example/${m.submissionId}` };
  };
}

async function expectPostgresEqualsCoordinator(jobId: string) {
  await settled(jobId);
  const snapshot = await stubFor(jobId).snapshot();
  const pg = await postgresState(jobId);
  const doState = Object.fromEntries(snapshot.submissions.map((s) => [s.submissionId, `${s.status}/${s.attempt}`]));
  const pgState = Object.fromEntries(pg.submissions.map((s) => [s.id, `${s.status}/${s.attempt}`]));
  expect(pgState).toEqual(doState);
  expect(pg.job.status).toBe(snapshot.job.status);
  expect(pg.job.directories_submitted).toBe(snapshot.job.submitted);
  expect(pg.job.directories_failed).toBe(snapshot.job.failed);
  return { snapshot, pg };
}

describe("JobCoordinator", () => {
  it("runs a 500-task job to completion: each task final once, counts right, Postgres equal", async () => {
    const seeded = await seedJob({ plan: "enterprise" });
    const ids = seeded.submissionIds;
    const failForever = new Set(ids.filter((_, i) => i % 25 === 0)); // 20
    const failOnce = new Set(ids.filter((_, i) => i % 7 === 3)); // retried once, then submitted
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    // Before it is loaded a job has done nothing: 0 %, not 100 % of no tasks (the portal right after payment).
    expect(await stub.progress()).toMatchObject({ status: "pending", total: 0, percent: 0 });
    const started = await stub.start(seeded.jobId);
    expect(started).toMatchObject({ ok: true, job: { status: "in_progress", total: 500 } });
    // Pacing: never more than the plan's cap in flight.
    expect(released.length).toBe(12);

    const reports = await consume(seeded.jobId, released, scripted(failOnce, failForever));
    const progress = await stub.progress();
    expect(progress).toMatchObject({ status: "completed", total: 500, submitted: 480, failed: 20, remaining: 0, percent: 100, inFlight: 0 });
    // Every task reported exactly once per attempt it was given.
    const perTask = new Map<string, number>();
    for (const r of reports) perTask.set(r.submissionId, (perTask.get(r.submissionId) ?? 0) + 1);
    for (const id of ids) expect(perTask.get(id), id).toBe(failOnce.has(id) && !failForever.has(id) ? 2 : 1);

    const { pg, snapshot } = await expectPostgresEqualsCoordinator(seeded.jobId);
    expect(pg.job.status).toBe("completed");
    expect(pg.job.completed_at).not.toBeNull();
    expect(pg.events.job_completed).toBe(1);
    expect(pg.events.submission_submitted).toBe(480);
    expect(pg.events.submission_failed).toBe(20);
    expect(snapshot.submissions.filter((s) => failForever.has(s.submissionId)).every((s) => s.failureReason?.includes("phone refused"))).toBe(true);
  });

  it("ignores every duplicate, stale and out-of-order report", async () => {
    const seeded = await seedJob({ plan: "starter", directories: 30 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const failOnce = new Set(seeded.submissionIds.slice(0, 10));
    const reports = await consume(seeded.jobId, released, scripted(failOnce, new Set()));
    const before = await stub.snapshot();
    expect(before.job).toMatchObject({ status: "completed", submitted: 30, failed: 0 });

    // Replay everything twice, shuffled, plus reports for attempts never given.
    const replay: TaskReport[] = [...reports, ...reports].sort(() => Math.random() - 0.5);
    replay.push({ ...reports[0]!, attempt: 9 }, { ...reports[1]!, outcome: "failed", failureClass: "blocked" });
    const results = await stub.reportMany(replay);
    expect(results.every((r) => !r.applied)).toBe(true);
    const after = await stub.snapshot();
    expect(after.job).toMatchObject({ status: "completed", submitted: 30, failed: 0 });
    expect(after.submissions.map((s) => `${s.status}/${s.attempt}`)).toEqual(before.submissions.map((s) => `${s.status}/${s.attempt}`));
    const { pg } = await expectPostgresEqualsCoordinator(seeded.jobId);
    expect(pg.events.submission_submitted).toBe(30);
  });

  it("re-releases a task whose worker died, with the next attempt, and completes", async () => {
    const seeded = await seedJob({ directories: 6 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const doomed = seeded.submissionIds[0]!;
    let vanished = false;
    await consume(seeded.jobId, released, (m) => {
      if (m.submissionId === doomed && !vanished) {
        vanished = true;
        return "vanish";
      }
      return { outcome: "submitted" };
    });
    const snapshot = await stub.snapshot();
    expect(snapshot.job.status).toBe("completed");
    const task = snapshot.submissions.find((s) => s.submissionId === doomed)!;
    expect(task).toMatchObject({ status: "submitted", attempt: 2 });
    // The dead worker's late report for attempt 1 changes nothing.
    expect(await stub.report({ jobId: seeded.jobId, submissionId: doomed, attempt: 1, outcome: "failed", failureClass: "blocked" })).toEqual({
      applied: false,
      reason: "stale_attempt",
    });
    await expectPostgresEqualsCoordinator(seeded.jobId);
  });

  it("hands a lease the directory's search, where a retry looks for an earlier attempt's listing; an object made before that column gets it", async () => {
    const seeded = await seedJob({ directories: 2 });
    const conn = await connectFromWorker(env);
    try {
      await conn.client.query("update directories set listing_search_url = website || '/search?q={query}' where id in (select directory_id from directory_submissions where job_id = $1)", [
        seeded.jobId,
      ]);
    } finally {
      await conn.close();
    }
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const lease = await stub.lease(released[0]!.submissionId, 1, "w1");
    expect(lease?.directory.listingSearchUrl).toBe(`${lease?.directory.website}/search?q={query}`);
    // A coordinator whose tasks table was made before the column: its store adds it.
    const columns = await runInDurableObject(stub, (_i: JobCoordinator, state) => {
      state.storage.sql.exec("alter table tasks drop column listing_search_url");
      new TaskStore(state.storage.sql);
      return state.storage.sql
        .exec<{ name: string }>("select name from pragma_table_info('tasks')")
        .toArray()
        .map((c) => c.name);
    });
    expect(columns).toContain("listing_search_url");
  });

  it("refuses and counts a redelivered message and a replayed report, lists every message it released, and a heartbeat keeps only a current lease", async () => {
    const seeded = await seedJob({ directories: 3 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const [a, b] = released;
    expect(await stub.lease(a!.submissionId, 1, "w1")).not.toBeNull();
    // The queue delivers the same message again: no second lease.
    expect(await stub.lease(a!.submissionId, 1, "w2")).toBeNull();

    const leaseOf = (id: string) =>
      runInDurableObject(stub, (_i: JobCoordinator, state) => state.storage.sql.exec<{ at: number }>("select lease_expires_at as at from tasks where submission_id = ?", id).one().at);
    const leased = await leaseOf(a!.submissionId);
    await new Promise((r) => setTimeout(r, 20));
    expect(await stub.heartbeat(a!.submissionId, 1, "w1")).toBe(true);
    expect(await leaseOf(a!.submissionId)).toBeGreaterThan(leased);
    expect(await stub.heartbeat(a!.submissionId, 2, "w1")).toBe(false); // an attempt never given
    expect(await stub.heartbeat(b!.submissionId, 1, "w1")).toBe(false); // released, not leased

    const report: TaskReport = { jobId: seeded.jobId, submissionId: a!.submissionId, attempt: 1, outcome: "failed", failureClass: "transient", reason: "502" };
    expect(await stub.report(report)).toMatchObject({ applied: true });
    expect(await stub.report(report)).toMatchObject({ applied: false });
    // A retried task is released again with attempt 2; the list holds both messages.
    const key = (m: TaskMessage) => `${m.submissionId}/${m.attempt}`;
    expect(released.map(key)).toContain(`${a!.submissionId}/2`);
    await allowFaults(seeded.jobId);
    const faults = await stub.faults();
    expect((await faults.releasedMessages()).map(key).sort()).toEqual(released.map(key).sort());
    expect(await faults.counters()).toMatchObject({ refusedLeases: 1, refusedReports: 1 });
  });

  it("retries an attempt cut off after it announced its post only once the post could be in the directory's search, and no page takes it sooner", async () => {
    const seeded = await seedJob({ directories: 3 });
    const stub = stubFor(seeded.jobId);
    const released: { message: TaskMessage; delay: number }[] = [];
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      instance.sendTasks = async (messages, delays) => {
        for (const [i, message] of messages.entries()) released.push({ message, delay: delays[i] ?? 0 });
      };
    });
    await stub.start(seeded.jobId);
    const [posted, refused, early] = released.map((r) => r.message);
    const postedAt = (id: string) =>
      runInDurableObject(stub, (_i: JobCoordinator, state) => state.storage.sql.exec<{ at: number | null }>("select posted_at as at from tasks where submission_id = ?", id).one().at);
    for (const m of [posted!, refused!, early!]) expect(await stub.lease(m.submissionId, 1, "w1")).not.toBeNull();
    // Only a current lease may post.
    expect(await stub.posting(posted!.submissionId, 2, "w1")).toBe(false);
    expect(await stub.posting(posted!.submissionId, 1, "w1")).toBe(true);
    expect(await stub.posting(refused!.submissionId, 1, "w1")).toBe(true);
    expect(await postedAt(posted!.submissionId)).toEqual(expect.any(Number));
    const report = (m: TaskMessage, failureClass: TaskReport["failureClass"], infrastructure: boolean, reason: string): TaskReport => ({
      jobId: seeded.jobId,
      submissionId: m.submissionId,
      attempt: 1,
      outcome: "failed",
      failureClass,
      reason,
      ...(infrastructure ? { infrastructure: true } : {}),
    });
    // The browser died after the click: no answer was read.
    await stub.report(report(posted!, "transient", true, "the browser session was lost"));
    // The directory answered the post: a refused value, nothing listed.
    await stub.report(report(refused!, "validation", false, 'Description — "Description must be at most 300 characters."'));
    // The browser died before the submit.
    await stub.report(report(early!, "transient", true, "the browser session was lost"));
    const retry = (m: TaskMessage) => released.find((r) => r.message.submissionId === m.submissionId && r.message.attempt === 2);
    expect(retry(posted!)?.delay).toBeGreaterThanOrEqual(POST_SETTLE_MS / 1000 - 2);
    // The others keep the retry desk's own first backoff (15-30 s), not the settle.
    expect(retry(refused!)?.delay).toBeLessThan(POST_SETTLE_MS / 1000 - 2);
    expect(retry(early!)?.delay).toBeLessThan(POST_SETTLE_MS / 1000 - 2);
    // A page looking for work takes the retries that are due, never the one still settling.
    const taken: string[] = [];
    for (let lease = await stub.leaseReleased("w2"); lease; lease = await stub.leaseReleased("w2")) taken.push(lease.submissionId);
    expect(taken).not.toContain(posted!.submissionId);
    // Its own message, after the delay, leases it; the new attempt has no post of its own yet.
    expect(await stub.lease(posted!.submissionId, 2, "w1")).not.toBeNull();
    expect(await postedAt(posted!.submissionId)).toBeNull();
  });

  it("counts a listing found on a retry as the earlier attempt's (submitted), one found at once as someone else's (skipped)", async () => {
    const seeded = await seedJob({ directories: 2 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const [cutOff, listedBefore] = seeded.submissionIds;
    await consume(seeded.jobId, released, (m) => {
      if (m.submissionId === listedBefore) return { outcome: "failed", failureClass: "duplicate_listing", reason: "already listed" };
      // Attempt 1 posted the form, then its confirmation page failed.
      if (m.attempt === 1) return { outcome: "failed", failureClass: "transient", reason: "503 on the confirmation page" };
      return { outcome: "failed", failureClass: "duplicate_listing", reason: "already listed" };
    });
    const snapshot = await stub.snapshot();
    expect(snapshot.job).toMatchObject({ status: "completed", submitted: 1, skipped: 1 });
    expect(snapshot.submissions.find((s) => s.submissionId === cutOff)).toMatchObject({ status: "submitted", attempt: 2, failureClass: null });
    expect(snapshot.submissions.find((s) => s.submissionId === listedBefore)).toMatchObject({ status: "skipped", attempt: 1, failureClass: "duplicate_listing" });
    await expectPostgresEqualsCoordinator(seeded.jobId);
  });

  it("writes the outbox one drain at a time: a slow older write never lands after a newer one", async () => {
    const seeded = await seedJob({ directories: 1 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await settled(seeded.jobId);
    const task = released[0]!;
    await runInDurableObject(stub, async (instance: JobCoordinator) => {
      const real = instance.database;
      let slow = true;
      let writing!: () => void;
      const firstWriteStarted = new Promise<void>((r) => (writing = r));
      instance.database = async () => {
        const conn = await real();
        if (slow) {
          slow = false;
          // The first writer has read its batch and is slow to commit it.
          const transaction = conn.db.transaction.bind(conn.db);
          conn.db.transaction = (async (fn: never) => {
            writing();
            await new Promise((r) => setTimeout(r, 300));
            return transaction(fn);
          }) as typeof conn.db.transaction;
        }
        return conn;
      };
      await instance.lease(task.submissionId, 1, "w");
      const older = instance.drain(); // holds "submitting"
      await firstWriteStarted;
      await instance.report({ jobId: seeded.jobId, submissionId: task.submissionId, attempt: 1, outcome: "submitted" });
      await Promise.all([older, instance.drain()]);
    });
    const { pg } = await expectPostgresEqualsCoordinator(seeded.jobId);
    expect(pg.submissions.map((s) => s.status)).toEqual(["submitted"]);
  });

  it("keeps every change while Postgres is unreachable, then drains the outbox", async () => {
    const seeded = await seedJob({ directories: 20 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await settled(seeded.jobId);
    // Postgres goes away mid-job.
    await runInDurableObject(stub, async (instance: JobCoordinator) => {
      (instance as unknown as { realDatabase: unknown }).realDatabase = instance.database;
      instance.database = async () => {
        throw new Error("connect ECONNREFUSED (simulated outage)");
      };
      // A write already under way keeps its open connection; let it finish,
      // so everything after this point meets the outage.
      await (instance as unknown as { outbox: { draining: Promise<void> | null } }).outbox.draining;
    });
    await consume(seeded.jobId, released, () => ({ outcome: "submitted" }));
    expect((await stub.progress()).status).toBe("completed");
    expect(await stub.pendingWrites()).toBeGreaterThan(0);
    const stale = await postgresState(seeded.jobId);
    expect(stale.job.status).toBe("in_progress");
    // The failed writes are counted and backed off (read while still down:
    // once it is back, the alarm may drain at any moment).
    await runInDurableObject(stub, (_i: JobCoordinator, state) => {
      const meta = JSON.parse(state.storage.sql.exec<{ value: string }>("select value from meta where key = 'job'").one().value);
      expect(meta.outboxFailures).toBeGreaterThan(0);
      expect(meta.outboxRetryAt).toBeGreaterThan(0);
    });
    // It comes back; the alarm's retry writes everything.
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      instance.database = (instance as unknown as { realDatabase: JobCoordinator["database"] }).realDatabase;
    });
    await expireTimers(seeded.jobId);
    expect(await stub.pendingWrites()).toBe(0);
    const { pg } = await expectPostgresEqualsCoordinator(seeded.jobId);
    expect(pg.job.status).toBe("completed");
    expect(pg.events.submission_submitted).toBe(20);
  });

  it("pause stops releases, resume continues, cancel stops and records why", async () => {
    const seeded = await seedJob({ directories: 40 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    expect(released.length).toBe(4);
    await stub.pause("customer asked to wait");
    // Messages already in the queue find the job paused and hand their task back.
    const inQueue = released.splice(0);
    for (const m of inQueue) expect(await stub.lease(m.submissionId, m.attempt, "w")).toBeNull();
    let p = await stub.progress();
    expect(p).toMatchObject({ status: "paused", statusReason: "customer asked to wait", inFlight: 0 });
    await expireTimers(seeded.jobId);
    expect(released).toEqual([]);

    await stub.resume();
    expect(released.length).toBe(4);
    // The handed-back tasks come again with the next attempt.
    expect(released.map((m) => m.attempt)).toEqual([2, 2, 2, 2]);
    for (const m of released.splice(0)) {
      await stub.lease(m.submissionId, m.attempt, "w");
      await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    }
    await stub.cancel("refund issued");
    p = await stub.progress();
    expect(p).toMatchObject({ status: "cancelled", statusReason: "refund issued", submitted: 4, skipped: 36, inFlight: 0 });
    await expireTimers(seeded.jobId);
    for (const m of released.splice(0)) expect(await stub.lease(m.submissionId, m.attempt, "w")).toBeNull();
    const { pg } = await expectPostgresEqualsCoordinator(seeded.jobId);
    expect(pg.events.job_cancelled).toBe(1);
    expect(pg.submissions.filter((s) => s.status === "skipped")).toHaveLength(36);
  });

  it("retries a failed submission, or every failure, on staff request", async () => {
    const seeded = await seedJob({ directories: 8 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const bad = new Set(seeded.submissionIds.slice(0, 3));
    await consume(seeded.jobId, released, scripted(new Set(), bad));
    expect(await stub.progress()).toMatchObject({ status: "completed", failed: 3 });
    expect(await stub.retrySubmission(seeded.submissionIds[5]!)).toEqual({ applied: false, reason: "not_leased" });
    expect(await stub.retrySubmission(seeded.submissionIds[0]!)).toEqual({ applied: true, status: "pending" });
    expect(await stub.retryFailed()).toEqual({ retried: 2 });
    expect((await stub.progress()).status).toBe("in_progress");
    await consume(seeded.jobId, released, () => ({ outcome: "approved", listingUrl: "https://live.example/x" }));
    expect(await stub.progress()).toMatchObject({ status: "completed", failed: 0, approved: 3, submitted: 8 });
    await expectPostgresEqualsCoordinator(seeded.jobId);
  });

  it("turns a dead letter into a failed attempt under the retry policy", async () => {
    const seeded = await seedJob({ directories: 2 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const [first] = released.splice(0, 2);
    // Attempt 1 failed; the retry is due within the release window, so it
    // goes straight back to the queue with a delay, as attempt 2.
    expect(await stub.deadLetter(first!)).toEqual({ applied: true, status: "queued" });
    expect(released).toEqual([{ jobId: seeded.jobId, submissionId: first!.submissionId, attempt: 2 }]);
    expect(await stub.deadLetter(first!)).toEqual({ applied: false, reason: "stale_attempt" });
    const view = (await stub.snapshot()).submissions.find((s) => s.submissionId === first!.submissionId)!;
    expect(view).toMatchObject({ status: "queued", attempt: 2, failureClass: "transient" });
  });

  it("refuses to start a job that does not exist, and stays unbound", async () => {
    const id = crypto.randomUUID();
    expect(await stubFor(id).start(id)).toEqual({ ok: false, reason: "not_found" });
    expect((await stubFor(id).progress()).jobId).toBe("");
  });
});
