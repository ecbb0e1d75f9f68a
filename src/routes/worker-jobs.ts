/**
 * The worker HTTP API, for browser workers outside Cloudflare (a self-hosted
 * Playwright fleet behind proxies). Bearer token compared in constant time;
 * the workers never touch the database, only the coordinators.
 *
 *   POST /api/jobs/next      lease the next task, with its data (204: none);
 *                            `jobId` pins a fleet to one job
 *   POST /api/jobs/update    report an attempt's outcome (exactly once)
 *   POST /api/jobs/complete  ask whether a job is complete
 *   POST /api/jobs/retry     staff: retry one submission or a job's failures
 * Queue status is src/routes/autobolt.ts, the original reporter's progress
 * events src/routes/worker-progress.ts.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { requireStaff, requireUser, requireWorkerToken, type AuthVariables } from "../auth/middleware";
import { jsonRequest } from "../http/body";
import { ApiError } from "../http/errors";
import { errorResponses, jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { uuidOf } from "../http/params";
import { withDatabase } from "../http/per-request";
import { coordinatorFor, opsMonitor } from "../jobs/coordinator-client";
import { taskReportSchema } from "../../core/protocol/tasks";

/** Jobs that may have work, oldest first (fair to early buyers). */
async function activeJobIds(env: Env, limit = 25): Promise<string[]> {
  const { rows } = await withDatabase(env, ({ db }) => db.execute<{ id: string }>(sql`select id from jobs where status = 'in_progress' order by created_at limit ${limit}`));
  return rows.map((r) => r.id);
}

export const workerId = z.string().trim().min(1).max(200);
const body = <S extends z.ZodType>(schema: S) => ({ required: true, content: { "application/json": { schema } } });
const workerAuth = { 401: jsonError("A valid worker bearer token is required"), 403: jsonError("The worker token lacks the `tasks` scope") };
const Answer = z.looseObject({}).openapi("CoordinatorAnswer");

const next = createRoute({
  method: "post",
  path: "/next",
  tags: ["worker"],
  summary: "Lease the next task, with its data",
  security: [{ worker: [] }],
  middleware: [requireWorkerToken("tasks"), ...jsonRequest()],
  request: { body: body(z.object({ workerId, jobId: uuidOf("job").optional() })) },
  responses: {
    200: jsonAnswer("A leased task (core/protocol/tasks.ts)", z.looseObject({}).openapi("TaskLease")),
    204: { description: "No task is waiting" },
    ...errorResponses,
    ...workerAuth,
  },
});

const update = createRoute({
  method: "post",
  path: "/update",
  tags: ["worker"],
  summary: "Report an attempt's outcome (a repeated or stale report is answered, and ignored)",
  security: [{ worker: [] }],
  // Reports quote the directory's page, which may hold a NUL: kept, and stored as U+FFFD by the coordinator.
  middleware: [requireWorkerToken("tasks"), ...jsonRequest({ nul: "keep" })],
  request: { body: body(taskReportSchema) },
  responses: { 200: jsonAnswer("Applied, or ignored with the reason", Answer), ...errorResponses, ...workerAuth },
});

const complete = createRoute({
  method: "post",
  path: "/complete",
  tags: ["worker"],
  summary: "Is the job complete?",
  security: [{ worker: [] }],
  middleware: [requireWorkerToken("tasks"), ...jsonRequest()],
  request: { body: body(z.object({ jobId: uuidOf("job") })) },
  responses: {
    200: jsonAnswer("Whether it is, and its progress", z.object({ completed: z.boolean(), job: z.looseObject({}).openapi("JobProgress") })),
    ...errorResponses,
    ...workerAuth,
    404: jsonError("No such running job"),
  },
});

const retry = createRoute({
  method: "post",
  path: "/retry",
  tags: ["staff"],
  summary: "Retry one submission, or every failed one of a job",
  security: [{ bearer: [] }],
  middleware: [requireUser, requireStaff, ...jsonRequest()],
  request: { body: body(z.object({ jobId: uuidOf("job"), submissionId: uuidOf("submission").optional() })) },
  responses: {
    200: jsonAnswer("The coordinator's answer", Answer),
    ...errorResponses,
    ...staffOnly,
    409: jsonError("The submission cannot be retried (the code says why)"),
  },
});

export const workerJobs = newApiApp<AuthVariables>()
  .openapi(next, async (c) => {
    const body = c.req.valid("json");
    c.executionCtx.waitUntil(opsMonitor(c.env).workerHeartbeat(body.workerId, "external"));
    for (const id of body.jobId ? [body.jobId] : await activeJobIds(c.env)) {
      const lease = await coordinatorFor(c.env, id).leaseNext(body.workerId);
      if (lease) return c.json(lease, 200);
    }
    return c.body(null, 204);
  })
  .openapi(update, async (c) => {
    const report = c.req.valid("json");
    return c.json(await coordinatorFor(c.env, report.jobId).report(report), 200);
  })
  .openapi(complete, async (c) => {
    const { jobId } = c.req.valid("json");
    const progress = await coordinatorFor(c.env, jobId).progress();
    if (!progress.jobId) throw new ApiError(404, "not_started", "No such running job");
    return c.json({ completed: progress.status === "completed", job: progress }, 200);
  })
  .openapi(retry, async (c) => {
    const body = c.req.valid("json");
    const coordinator = coordinatorFor(c.env, body.jobId);
    if (!body.submissionId) return c.json(await coordinator.retryFailed(), 200);
    const result = await coordinator.retrySubmission(body.submissionId);
    if (!result.applied) throw new ApiError(409, result.reason, `The submission cannot be retried (${result.reason.replace(/_/g, " ")})`);
    return c.json(result, 200);
  });
