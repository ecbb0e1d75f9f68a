import { env, exports } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import { handleDeadLetters } from "../../src/queues/dead-letter";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import { listingState } from "../../core/listing-states";
import type { TaskLease, TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";

const worker = { authorization: `Bearer ${env.WORKER_API_TOKEN}`, "content-type": "application/json" };
const post = (path: string, body: unknown, headers: Record<string, string> = worker) =>
  exports.default.fetch(`http://localhost${path}`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("worker HTTP API", () => {
  it("refuses callers without the worker token", async () => {
    for (const headers of [{ "content-type": "application/json" }, { ...worker, authorization: "Bearer wrong" }, { ...worker, authorization: `Bearer ${env.WORKER_API_TOKEN}x` }]) {
      const res = await post("/api/jobs/next", { workerId: "w" }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_worker_token" } });
    }
  });

  it("leases a task with its data, applies the report once, and says when nothing is left", async () => {
    // Starter keeps 4 in flight through the queue; the fleet shares that cap.
    const seeded = await seedJob({ directories: 6 });
    await captureReleases(seeded.jobId, []);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    expect((await post("/api/jobs/next", { workerId: "fleet-1", jobId: seeded.jobId })).status).toBe(204); // cap reached
    // Raise the cap (as a bigger plan would): the fleet may take the 2 left.
    await runInDurableObject(stub, (instance: JobCoordinator) => {
      (instance as unknown as { store: { updateJob(p: object): void } }).store.updateJob({ maxInFlight: 6 });
    });
    const res = await post("/api/jobs/next", { workerId: "fleet-1", jobId: seeded.jobId });
    expect(res.status).toBe(200);
    const lease = (await res.json()) as TaskLease;
    expect(lease).toMatchObject({ jobId: seeded.jobId, attempt: expect.any(Number), business: { businessName: expect.stringContaining("Bäckerei"), city: "Köln", phone: "+4922112345678" } });
    expect(lease.directory.submitUrl).toMatch(/^https:\/\/d\d+\./);

    const report = { jobId: seeded.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "submitted", workerId: "fleet-1" };
    expect(await (await post("/api/jobs/update", report)).json()).toEqual({ applied: true, status: "submitted" });
    expect(await (await post("/api/jobs/update", report)).json()).toEqual({ applied: false, reason: "already_final" });

    const progress = await post("/api/worker/update-progress", { event: "submission_started", jobId: seeded.jobId, submissionId: lease.submissionId, attempt: lease.attempt });
    expect(await progress.json()).toEqual({ ok: false }); // already final: no lease to extend
    // The report freed a slot and the queue took the last pending task.
    expect((await post("/api/jobs/next", { workerId: "fleet-1", jobId: seeded.jobId })).status).toBe(204);
  });

  it("maps the original reporter's progress events onto the coordinator", async () => {
    const seeded = await seedJob({ directories: 1 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const m = released[0]!;
    await stubFor(seeded.jobId).lease(m.submissionId, m.attempt, "fleet-2");
    const base = { jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, workerId: "fleet-2" };
    expect(await (await post("/api/worker/update-progress", { event: "directory_progress", ...base, step: "filled 9 fields" })).json()).toEqual({ ok: true });
    // Right before its submit: the coordinator notes the post (an attempt that is not current may not post).
    expect(await (await post("/api/worker/update-progress", { event: "submission_posting", ...base, attempt: m.attempt + 1 })).json()).toEqual({ ok: false });
    expect(await (await post("/api/worker/update-progress", { event: "submission_posting", ...base })).json()).toEqual({ ok: true });
    const postedAt = await runInDurableObject(
      stubFor(seeded.jobId),
      (_i: JobCoordinator, state) => state.storage.sql.exec<{ at: number | null }>("select posted_at as at from tasks where submission_id = ?", m.submissionId).one().at,
    );
    expect(postedAt).toEqual(expect.any(Number));
    const failed = await post("/api/worker/update-progress", { event: "submission_failed", ...base, failureClass: "site_gone", reason: "404" });
    expect(await failed.json()).toEqual({ applied: true, status: "failed" });
    const done = await (await post("/api/jobs/complete", { jobId: seeded.jobId })).json();
    expect(done).toMatchObject({ completed: false, job: { status: "failed", failed: 1 } });
    await settled(seeded.jobId);
    expect((await postgresState(seeded.jobId)).submissions[0]).toMatchObject({ status: "failed" });
    const status = await (await exports.default.fetch("http://localhost/api/autobolt/status", { headers: worker })).json();
    expect(status).toMatchObject({ queueDepth: expect.any(Number), workers: expect.arrayContaining([expect.objectContaining({ workerId: "fleet-2" })]) });
  });

  it("answers bad bodies with 4xx and changes nothing", async () => {
    const seeded = await seedJob({ directories: 1 });
    await captureReleases(seeded.jobId, []);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const before = await stubFor(seeded.jobId).snapshot();
    const cases: [unknown, number][] = [
      ["{not json", 400],
      [{ jobId: seeded.jobId }, 400],
      [{ jobId: seeded.jobId, submissionId: seeded.submissionIds[0], attempt: 1, outcome: "failed" }, 400], // no failureClass
      [{ jobId: seeded.jobId, submissionId: seeded.submissionIds[0], attempt: 0, outcome: "submitted" }, 400],
      [{ jobId: "x", submissionId: "y", attempt: 1, outcome: "submitted" }, 400],
      [[1, 2, 3], 400],
    ];
    for (const [body, status] of cases) expect((await post("/api/jobs/update", body)).status, JSON.stringify(body)).toBe(status);
    expect((await post("/api/jobs/update", "{}", { ...worker, "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/api/worker/update-progress", { event: "teleported", jobId: seeded.jobId })).status).toBe(400);
    const after = await stubFor(seeded.jobId).snapshot();
    expect(after.submissions).toEqual(before.submissions);
  });

  it("takes only an http(s) listing URL: javascript: and data: are a 400 at the HTTP reports, and never stored from an RPC report", async () => {
    const seeded = await seedJob({ directories: 2 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const [m, n] = released;
    await stubFor(seeded.jobId).lease(m!.submissionId, m!.attempt, "fleet-3");
    const base = { jobId: seeded.jobId, submissionId: m!.submissionId, attempt: m!.attempt, workerId: "fleet-3" };
    const before = await stubFor(seeded.jobId).snapshot();
    for (const listingUrl of ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", " javascript:alert(1)"]) {
      expect((await post("/api/jobs/update", { ...base, outcome: "approved", listingUrl })).status, listingUrl).toBe(400);
      expect((await post("/api/worker/update-progress", { event: "submission_succeeded", ...base, listingUrl })).status, listingUrl).toBe(400);
    }
    expect((await stubFor(seeded.jobId).snapshot()).submissions).toEqual(before.submissions);

    // The browser worker's RPC is typed, not validated: the coordinator drops such a URL itself.
    await stubFor(seeded.jobId).lease(n!.submissionId, n!.attempt, "fleet-3");
    const rpc = await stubFor(seeded.jobId).report({ jobId: seeded.jobId, submissionId: n!.submissionId, attempt: n!.attempt, outcome: "approved", listingUrl: "javascript:alert(1)" });
    expect(rpc).toMatchObject({ applied: true });
    const row = (await stubFor(seeded.jobId).snapshot()).submissions.find((s) => s.submissionId === n!.submissionId);
    expect(row).toMatchObject({ status: "approved", listingUrl: null });
    // Where it is rendered, a stored one from before is not a link either.
    expect(listingState({ ...row!, listingUrl: "javascript:alert(1)" }).listingUrl).toBeNull();
    expect(listingState({ ...row!, listingUrl: "https://directory.example/l/1" }).listingUrl).toBe("https://directory.example/l/1");
  });

  it("lets only staff retry through /api/jobs/retry", async () => {
    const seeded = await seedJob({ directories: 1 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const m = released.shift()!;
    await stub.lease(m.submissionId, m.attempt, "w");
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "failed", failureClass: "validation" });
    const body = { jobId: seeded.jobId, submissionId: m.submissionId };
    expect((await post("/api/jobs/retry", body)).status).toBe(401); // a worker token is not a staff sign-in
    const customer = { authorization: `Bearer ${await signUserToken(env, { userId: seeded.userId })}`, "content-type": "application/json" };
    expect((await post("/api/jobs/retry", body, customer)).status).toBe(403);
    const staff = { authorization: `Bearer ${await signUserToken(env, { userId: crypto.randomUUID(), staff: true })}`, "content-type": "application/json" };
    expect(await (await post("/api/jobs/retry", body, staff)).json()).toEqual({ applied: true, status: "pending" });
    expect((await post("/api/jobs/retry", body, staff)).status).toBe(409);
    expect(released.map((r) => r.attempt)).toEqual([2]);
  });
});

describe("dead-letter consumer", () => {
  it("fails the attempt in its coordinator and acknowledges; drops garbage", async () => {
    const seeded = await seedJob({ directories: 1 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const m = released.shift()!;
    const batch = createMessageBatch<unknown>("directory-tasks-dlq", [
      { id: "m1", timestamp: new Date(), attempts: 6, body: m },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { hello: "world" } },
    ]);
    const ctx = createExecutionContext();
    await handleDeadLetters(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    const view = (await stubFor(seeded.jobId).snapshot()).submissions[0]!;
    expect(view).toMatchObject({ attempt: 2, failureClass: "transient", failureReason: "gave up after 6 deliveries" });
  });
});
