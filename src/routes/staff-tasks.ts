/**
 * Staff tasks for directories that refuse automation (staff only; the job's
 * coordinator owns the state, as for retry and cancel):
 * - `GET /api/staff/tasks` → open packets across jobs
 * - `GET /api/staff/tasks/:jobId/:submissionId` → one packet
 * - `POST /api/staff/tasks/:jobId/:submissionId/claim`
 * - `GET /api/staff/tasks/:jobId/:submissionId/update` → a live listing to update by hand
 * - `POST /api/staff/tasks/:jobId/:submissionId/update/outcome` with
 *   `{outcome: "updated"}` or `{outcome: "not_possible", reason}`
 * - `POST /api/staff/tasks/:jobId/:submissionId/outcome` with
 *   `{ outcome: "submitted", customerAction? } | { outcome: "approved", listingUrl } | { outcome: "failed", reason }`
 * A repeated action answers 200 with `applied: false` and changes nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { jsonRequest } from "../http/body";
import { ApiError } from "../http/errors";
import { errorResponses, jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { coordinatorFor } from "../jobs/coordinator-client";
import { staffTaskJobIds } from "../jobs/staff-task-jobs";
import { staffOutcomeSchema, updateListingOutcomeSchema, type StaffActionResult, type StaffTaskEntry, type UpdateListingActionResult } from "../../core/protocol/staff";

function answer(result: StaffActionResult) {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return { applied: result.applied, packet: result.packet };
}

function updateAnswer(result: UpdateListingActionResult) {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return { applied: result.applied, task: result.task };
}

function member(user: AuthVariables["user"]) {
  return { id: user.userId, name: user.email ?? user.userId };
}

const TaskParams = uuidParams({ jobId: "job", submissionId: "submission" });
const security = [{ bearer: [] }];
const Action = jsonAnswer(
  "Applied, or (repeated) `applied: false` and nothing changed",
  z.object({ applied: z.boolean(), packet: z.looseObject({}).openapi("StaffTaskPacket", { description: "core/protocol/staff.ts StaffTaskPacket" }) }),
);
const packetErrors = { ...staffOnly, 400: jsonError("Not a job or submission id"), 404: jsonError("No such task"), 409: jsonError("The task is in another state (the code says which)") };

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Open staff tasks across jobs",
  security,
  responses: { 200: jsonAnswer("Oldest first", z.object({ tasks: z.array(z.looseObject({}).openapi("StaffTaskSummary")) })), ...staffOnly },
});

const packet = createRoute({
  method: "get",
  path: "/{jobId}/{submissionId}",
  tags: ["staff"],
  summary: "One task's packet (what to submit, where)",
  security,
  request: { params: TaskParams },
  responses: { 200: Action, ...packetErrors },
});

const claim = createRoute({
  method: "post",
  path: "/{jobId}/{submissionId}/claim",
  tags: ["staff"],
  summary: "Claim the task",
  security,
  request: { params: TaskParams },
  responses: { 200: Action, ...packetErrors },
});

const outcome = createRoute({
  method: "post",
  path: "/{jobId}/{submissionId}/outcome",
  tags: ["staff"],
  summary: "Record what happened: submitted, approved (with the listing URL) or failed",
  security,
  middleware: jsonRequest(),
  request: { params: TaskParams, body: { required: true, content: { "application/json": { schema: staffOutcomeSchema } } } },
  responses: { 200: Action, ...errorResponses, ...packetErrors },
});

const UpdateAction = jsonAnswer(
  "Applied, or (repeated) `applied: false` and nothing changed",
  z.object({ applied: z.boolean(), task: z.looseObject({}).openapi("UpdateListingTask", { description: "core/protocol/staff.ts UpdateListingTask" }) }),
);

const updateTask = createRoute({
  method: "get",
  path: "/{jobId}/{submissionId}/update",
  tags: ["staff"],
  summary: 'A live listing to change by hand ("Update my listings", no login held): its URL and each difference',
  security,
  request: { params: TaskParams },
  responses: { 200: UpdateAction, ...packetErrors },
});

const updateOutcome = createRoute({
  method: "post",
  path: "/{jobId}/{submissionId}/update/outcome",
  tags: ["staff"],
  summary: "Record the listing updated by hand, or not possible (with a reason)",
  security,
  middleware: jsonRequest(),
  request: { params: TaskParams, body: { required: true, content: { "application/json": { schema: updateListingOutcomeSchema } } } },
  responses: { 200: UpdateAction, ...errorResponses, ...packetErrors },
});

export const staffTasks = newApiApp<AuthVariables>();
staffTasks.use(requireUser, requireStaff);
staffTasks
  .openapi(list, async (c) => {
    const jobIds = await withDatabase(c.env, ({ db }) => staffTaskJobIds(db));
    // Postgres finds the jobs; each coordinator says what is open right now.
    const lists = await Promise.all(jobIds.map((id) => coordinatorFor(c.env, id).staffTaskList()));
    const tasks: StaffTaskEntry[] = lists.flat().sort((a, b) => a.updatedAt - b.updatedAt);
    return c.json({ tasks }, 200);
  })
  .openapi(packet, async (c) => {
    const { jobId, submissionId } = c.req.valid("param");
    return c.json(answer(await coordinatorFor(c.env, jobId).staffTaskPacket(submissionId)), 200);
  })
  .openapi(claim, async (c) => {
    const { jobId, submissionId } = c.req.valid("param");
    return c.json(answer(await coordinatorFor(c.env, jobId).claimStaffTask(submissionId, member(c.get("user")))), 200);
  })
  .openapi(outcome, async (c) => {
    const { jobId, submissionId } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(answer(await coordinatorFor(c.env, jobId).recordStaffOutcome(submissionId, member(c.get("user")), input)), 200);
  })
  .openapi(updateTask, async (c) => {
    const { jobId, submissionId } = c.req.valid("param");
    return c.json(updateAnswer(await coordinatorFor(c.env, jobId).updateListingTask(submissionId)), 200);
  })
  .openapi(updateOutcome, async (c) => {
    const { jobId, submissionId } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(updateAnswer(await coordinatorFor(c.env, jobId).recordUpdateListingOutcome(submissionId, member(c.get("user")), input)), 200);
  });
