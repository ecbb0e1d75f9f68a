/**
 * Steering a job (staff only; the job's coordinator owns the state):
 * - `POST /api/staff/jobs/:id/{start,pause,resume,cancel,retry-failed}`
 * - `POST /api/staff/jobs/:id/submissions/:submissionId/retry`
 * - `GET /api/staff/jobs/:id/notes` → the retry analyzer's words for staff
 *   per submission (src/jobs/staff-notes.ts)
 * - `POST /api/staff/jobs/:id/directories {add?, remove?}` → add or remove
 *   directories of a job before it starts (src/jobs/staff-directories.ts)
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { jsonRequest } from "../http/body";
import { ApiError } from "../http/errors";
import { errorResponses, jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { uuidOf, uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { catalogOf } from "../billing/fulfilment";
import { coordinatorFor } from "../jobs/coordinator-client";
import { editJobDirectories } from "../jobs/staff-directories";
import { staffJobNotes } from "../jobs/staff-notes";

const JobParams = uuidParams({ id: "job" });
const JobProgress = z.looseObject({}).openapi("JobProgress", { description: "The job's progress (core/protocol/live.ts)" });
const Applied = z.looseObject({}).openapi("CoordinatorAnswer", { description: "What the coordinator did (applied or not, and why)" });

/** What every staff control of one job shares: POST, no body unless given, the coordinator's answer. */
const control = {
  method: "post" as const,
  tags: ["staff"],
  security: [{ bearer: [] }],
  request: { params: JobParams },
  responses: { 200: jsonAnswer("The coordinator's answer", Applied), ...staffOnly, 400: jsonError("Not a job id") },
};

const notes = createRoute({
  method: "get",
  path: "/{id}/notes",
  tags: ["staff"],
  summary: "The retry analyzer's notes for staff, per submission",
  security: [{ bearer: [] }],
  request: { params: JobParams },
  responses: {
    200: jsonAnswer("Notes per submission (core/protocol/staff.ts StaffJobNotes)", z.looseObject({}).openapi("StaffJobNotes")),
    ...staffOnly,
    400: jsonError("Not a job id"),
    404: jsonError("No such job"),
  },
});

const start = createRoute({
  ...control,
  path: "/{id}/start",
  summary: "Start a paid job",
  responses: {
    ...control.responses,
    200: jsonAnswer("The job's progress", JobProgress),
    404: jsonError("No such job"),
    503: jsonError("The database is unreachable; the job will start when it is back"),
  },
});
const pause = createRoute({ ...control, path: "/{id}/pause", summary: "Pause the job (nothing new is released)" });
const resume = createRoute({ ...control, path: "/{id}/resume", summary: "Resume a paused job" });
const cancel = createRoute({
  ...control,
  path: "/{id}/cancel",
  summary: "Cancel the job, with a reason",
  middleware: jsonRequest(),
  request: { params: JobParams, body: { required: true, content: { "application/json": { schema: z.object({ reason: z.string().trim().min(3).max(500) }) } } } },
  responses: { ...control.responses, ...errorResponses },
});
const retryFailed = createRoute({ ...control, path: "/{id}/retry-failed", summary: "Send every failed submission back to the queue" });
const retrySubmission = createRoute({
  method: "post",
  path: "/{id}/submissions/{submissionId}/retry",
  tags: ["staff"],
  summary: "Retry one submission",
  security: [{ bearer: [] }],
  request: { params: uuidParams({ id: "job", submissionId: "submission" }) },
  responses: {
    200: jsonAnswer("Retried", Applied),
    ...staffOnly,
    400: jsonError("Not a job or submission id"),
    409: jsonError("The submission cannot be retried (the code says why)"),
  },
});

const directoryIds = z.array(uuidOf("directory"), "a list of directory ids").max(500, "at most 500 at a time").default([]);
const editDirectories = createRoute({
  method: "post",
  path: "/{id}/directories",
  tags: ["staff"],
  summary: "Add or remove directories of a job before it starts",
  security: [{ bearer: [] }],
  middleware: jsonRequest({ maxBytes: 64 * 1024 }),
  request: {
    params: JobParams,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.strictObject({ add: directoryIds, remove: directoryIds }).refine((b) => b.add.length > 0 || b.remove.length > 0, "Send directory ids to add or remove"),
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(
      "What changed, and the job's directory count now",
      z.object({ jobId: z.string(), added: z.number().int(), removed: z.number().int(), total: z.number().int() }).openapi("DirectoryEditResult"),
    ),
    ...errorResponses,
    400: jsonError("Invalid body, or `directories_refused` naming each directory that cannot be added (nothing changed)"),
    ...staffOnly,
    404: jsonError("No such job"),
    409: jsonError("The job has started: its directories can no longer change"),
  },
});

export const staffJobs = newApiApp<AuthVariables>();
staffJobs.use(requireUser, requireStaff);
staffJobs
  .openapi(notes, async (c) => {
    const { id } = c.req.valid("param");
    const notes = await withDatabase(c.env, ({ db }) => staffJobNotes(db, c.get("user"), id));
    if (!notes) throw new ApiError(404, "not_found", "No such job");
    return c.json(notes, 200);
  })
  .openapi(start, async (c) => {
    const { id } = c.req.valid("param");
    const result = await coordinatorFor(c.env, id).start(id);
    if (!result.ok) {
      const status = result.reason === "database_unavailable" ? 503 : 404;
      throw new ApiError(status, result.reason, result.reason === "not_found" ? "No such job" : "The database is unreachable; the job will start when it is back");
    }
    return c.json(result.job, 200);
  })
  .openapi(pause, async (c) => {
    const { id } = c.req.valid("param");
    // The customer reads the reason; who paused is for staff only (the event's staff notes).
    return c.json(await coordinatorFor(c.env, id).pause("paused by staff", c.get("user").email ?? c.get("user").userId), 200);
  })
  .openapi(resume, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await coordinatorFor(c.env, id).resume(), 200);
  })
  .openapi(cancel, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    return c.json(await coordinatorFor(c.env, id).cancel(reason), 200);
  })
  .openapi(retryFailed, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await coordinatorFor(c.env, id).retryFailed(), 200);
  })
  .openapi(editDirectories, async (c) => {
    const { id } = c.req.valid("param");
    const edit = c.req.valid("json");
    const user = c.get("user");
    const result = await withDatabase(c.env, ({ db }) => db.transaction((tx) => editJobDirectories(tx, id, edit, catalogOf(c.env), user.email ?? user.userId)));
    return c.json(result, 200);
  })
  .openapi(retrySubmission, async (c) => {
    const { id, submissionId } = c.req.valid("param");
    const result = await coordinatorFor(c.env, id).retrySubmission(submissionId);
    if (!result.applied) throw new ApiError(409, result.reason, `The submission cannot be retried (${result.reason.replace(/_/g, " ")})`);
    return c.json(result, 200);
  });
