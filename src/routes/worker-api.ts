/**
 * The worker HTTP API, for browser workers outside Cloudflare (a self-hosted
 * Playwright fleet behind proxies). Bearer token compared in constant time;
 * the workers never touch the database, only the coordinators.
 *
 *   POST /api/jobs/next              lease the next task, with its data (204: none);
 *                                    `jobId` pins a fleet to one job
 *   POST /api/jobs/update            report an attempt's outcome (exactly once)
 *   POST /api/jobs/complete          ask whether a job is complete
 *   POST /api/jobs/retry             staff: retry one submission or a job's failures
 *   GET  /api/autobolt/status        queue and worker status
 *   POST /api/worker/update-progress the original reporter's progress events
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser, requireWorkerToken, type AuthVariables } from "../auth/middleware";
import { connectFromWorker } from "../db/worker-database";
import { ApiError } from "../http/errors";
import { jsonBody, JSON_BODY_LIMIT, type ParseOptions } from "../http/validation";
import { coordinatorFor, opsMonitor } from "../jobs/coordinator-client";
import { FAILURE_CLASSES, taskReportSchema } from "../../core/protocol/tasks";

/** Reports quote the directory's page, which may hold a NUL: kept, and stored as U+FFFD by the coordinator. */
const KEEP_NUL: ParseOptions = { nul: "keep" };

type AppEnv = { Bindings: Env; Variables: AuthVariables };
const uuid = z.string().uuid();
const workerId = z.string().trim().min(1).max(200);

/** Jobs that may have work, oldest first (fair to early buyers). */
async function activeJobIds(env: Env, limit = 25): Promise<string[]> {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.db.execute<{ id: string }>(
      sql`select id from jobs where status = 'in_progress' order by created_at limit ${limit}`,
    );
    return rows.map((r) => r.id);
  } finally {
    await conn.close();
  }
}

export const workerJobs = new Hono<AppEnv>()
  .post("/next", requireWorkerToken, async (c) => {
    const body = await jsonBody(c, z.object({ workerId, jobId: uuid.optional() }));
    c.executionCtx.waitUntil(opsMonitor(c.env).workerHeartbeat(body.workerId, "external"));
    for (const id of body.jobId ? [body.jobId] : await activeJobIds(c.env)) {
      const lease = await coordinatorFor(c.env, id).leaseNext(body.workerId);
      if (lease) return c.json(lease);
    }
    return c.body(null, 204);
  })
  .post("/update", requireWorkerToken, async (c) => {
    const report = await jsonBody(c, taskReportSchema, JSON_BODY_LIMIT, KEEP_NUL);
    // A repeated or stale report is not an error: it is answered, and ignored.
    return c.json(await coordinatorFor(c.env, report.jobId).report(report));
  })
  .post("/complete", requireWorkerToken, async (c) => {
    const { jobId } = await jsonBody(c, z.object({ jobId: uuid }));
    const progress = await coordinatorFor(c.env, jobId).progress();
    if (!progress.jobId) throw new ApiError(404, "not_started", "No such running job");
    return c.json({ completed: progress.status === "completed", job: progress });
  })
  .post("/retry", requireUser, requireStaff, async (c) => {
    const body = await jsonBody(c, z.object({ jobId: uuid, submissionId: uuid.optional() }));
    const coordinator = coordinatorFor(c.env, body.jobId);
    if (!body.submissionId) return c.json(await coordinator.retryFailed());
    const result = await coordinator.retrySubmission(body.submissionId);
    if (!result.applied) throw new ApiError(409, result.reason, `The submission cannot be retried (${result.reason.replace(/_/g, " ")})`);
    return c.json(result);
  });

export const autobolt = new Hono<AppEnv>().get("/status", requireWorkerToken, async (c) => {
  const overview = await opsMonitor(c.env).overview();
  return c.json({
    activeJobs: overview.jobs.filter((j) => j.status === "in_progress").length,
    queueDepth: overview.queueDepth,
    reportsLastHour: overview.throughputPerMinute.reduce((a, b) => a + b, 0),
    workers: overview.workers,
  });
});

const base = { jobId: uuid, workerId: workerId.optional() };
const attemptRef = { ...base, submissionId: uuid, attempt: z.number().int().min(1) };
const progressEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("job_started"), ...base }),
  z.object({ event: z.literal("submission_started"), ...attemptRef }),
  z.object({ event: z.literal("directory_progress"), ...attemptRef, step: z.string().max(200).optional() }),
  z.object({ event: z.literal("submission_succeeded"), ...attemptRef, listingUrl: z.string().url().optional(), evidenceKey: z.string().max(500).optional() }),
  z.object({
    event: z.literal("submission_failed"),
    ...attemptRef,
    failureClass: z.enum(FAILURE_CLASSES).default("transient"),
    reason: z.string().max(2000).optional(),
    retryAfterSeconds: z.number().int().min(0).max(43_200).optional(),
  }),
  z.object({ event: z.literal("job_completed"), ...base }),
]);

export const workerProgress = new Hono<AppEnv>().post("/update-progress", requireWorkerToken, async (c) => {
  const e = await jsonBody(c, progressEvent, JSON_BODY_LIMIT, KEEP_NUL);
  const coordinator = coordinatorFor(c.env, e.jobId);
  if (e.workerId) c.executionCtx.waitUntil(opsMonitor(c.env).workerHeartbeat(e.workerId, "external"));
  switch (e.event) {
    case "job_started":
    case "job_completed":
      return c.json({ ok: true, job: await coordinator.progress() });
    case "submission_started":
    case "directory_progress":
      return c.json({ ok: await coordinator.heartbeat(e.submissionId, e.attempt, e.workerId) });
    case "submission_succeeded":
      return c.json(
        await coordinator.report({
          jobId: e.jobId, submissionId: e.submissionId, attempt: e.attempt, outcome: "submitted",
          listingUrl: e.listingUrl, evidenceKey: e.evidenceKey, workerId: e.workerId,
        }),
      );
    case "submission_failed":
      return c.json(
        await coordinator.report({
          jobId: e.jobId, submissionId: e.submissionId, attempt: e.attempt, outcome: "failed",
          failureClass: e.failureClass, reason: e.reason, retryAfterSeconds: e.retryAfterSeconds, workerId: e.workerId,
        }),
      );
  }
});
