/**
 * `POST /api/worker/update-progress` (worker token): the original reporter's
 * progress events, turned into the coordinator's heartbeats and reports.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireWorkerToken } from "../auth/middleware";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonAnswer, jsonError, newApiApp } from "../http/openapi";
import { coordinatorFor, opsMonitor } from "../jobs/coordinator-client";
import { FAILURE_CLASSES, listingUrlSchema } from "../../core/protocol/tasks";
import { workerId } from "./worker-jobs";

const uuid = z.string().uuid();
const base = { jobId: uuid, workerId: workerId.optional() };
const attemptRef = { ...base, submissionId: uuid, attempt: z.number().int().min(1) };
const ProgressEvent = z
  .discriminatedUnion("event", [
    z.object({ event: z.literal("job_started"), ...base }),
    z.object({ event: z.literal("submission_started"), ...attemptRef }),
    z.object({ event: z.literal("directory_progress"), ...attemptRef, step: z.string().max(200).optional() }),
    // Sent right before pressing the directory's submit: false in `ok` means the lease is gone, so do not post.
    z.object({ event: z.literal("submission_posting"), ...attemptRef }),
    z.object({ event: z.literal("submission_succeeded"), ...attemptRef, listingUrl: listingUrlSchema.optional(), evidenceKey: z.string().max(500).optional() }),
    z.object({
      event: z.literal("submission_failed"),
      ...attemptRef,
      failureClass: z.enum(FAILURE_CLASSES).default("transient"),
      reason: z.string().max(2000).optional(),
      retryAfterSeconds: z.number().int().min(0).max(43_200).optional(),
    }),
    z.object({ event: z.literal("job_completed"), ...base }),
  ])
  .openapi("ProgressEvent");

const updateProgress = createRoute({
  method: "post",
  path: "/update-progress",
  tags: ["worker"],
  summary: "A progress event of the original reporter",
  security: [{ worker: [] }],
  // Like reports, events quote the directory's page: a NUL is kept, and stored as U+FFFD by the coordinator.
  middleware: [requireWorkerToken("tasks"), ...jsonRequest({ nul: "keep" })],
  request: { body: { required: true, content: { "application/json": { schema: ProgressEvent } } } },
  responses: {
    200: jsonAnswer("The coordinator's answer (`ok`, the job's progress, or the report's result)", z.looseObject({})),
    ...errorResponses,
    401: jsonError("A valid worker bearer token is required"),
    403: jsonError("The worker token lacks the `tasks` scope"),
  },
});

export const workerProgress = newApiApp().openapi(updateProgress, async (c) => {
  const e = c.req.valid("json");
  const coordinator = coordinatorFor(c.env, e.jobId);
  if (e.workerId) c.executionCtx.waitUntil(opsMonitor(c.env).workerHeartbeat(e.workerId, "external"));
  switch (e.event) {
    case "job_started":
    case "job_completed":
      return c.json({ ok: true, job: await coordinator.progress() }, 200);
    case "submission_started":
    case "directory_progress":
      return c.json({ ok: await coordinator.heartbeat(e.submissionId, e.attempt, e.workerId) }, 200);
    case "submission_posting":
      return c.json({ ok: await coordinator.posting(e.submissionId, e.attempt, e.workerId) }, 200);
    case "submission_succeeded":
      return c.json(
        await coordinator.report({
          jobId: e.jobId,
          submissionId: e.submissionId,
          attempt: e.attempt,
          outcome: "submitted",
          listingUrl: e.listingUrl,
          evidenceKey: e.evidenceKey,
          workerId: e.workerId,
        }),
        200,
      );
    case "submission_failed":
      return c.json(
        await coordinator.report({
          jobId: e.jobId,
          submissionId: e.submissionId,
          attempt: e.attempt,
          outcome: "failed",
          failureClass: e.failureClass,
          reason: e.reason,
          retryAfterSeconds: e.retryAfterSeconds,
          workerId: e.workerId,
        }),
        200,
      );
  }
});
