/**
 * Staff tasks for directories that refuse automation (staff only; the job's
 * coordinator owns the state, as for retry and cancel):
 * - `GET /api/staff/tasks` → open packets across jobs
 * - `GET /api/staff/tasks/:jobId/:submissionId` → one packet
 * - `POST /api/staff/tasks/:jobId/:submissionId/claim`
 * - `POST /api/staff/tasks/:jobId/:submissionId/outcome` with
 *   `{ outcome: "submitted", customerAction? } | { outcome: "approved", listingUrl } | { outcome: "failed", reason }`
 * A repeated action answers 200 with `applied: false` and changes nothing.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { connectFromWorker } from "../db/worker-database";
import { ApiError } from "../http/errors";
import { jsonBody, parseOrThrow } from "../http/validation";
import { coordinatorFor } from "../jobs/coordinator-client";
import { staffTaskJobIds } from "../jobs/staff-task-jobs";
import { staffOutcomeSchema, type StaffActionResult, type StaffTaskSummary } from "../../core/protocol/staff";

type AppEnv = { Bindings: Env; Variables: AuthVariables };
const uuid = (what: string) => z.string().uuid(`not a ${what} id`);

function answer(result: StaffActionResult) {
  if (!result.ok) throw new ApiError(result.status, result.code, result.message);
  return { applied: result.applied, packet: result.packet };
}

function member(user: AuthVariables["user"]) {
  return { id: user.userId, name: user.email ?? user.userId };
}

function params(c: { req: { param(name: string): string | undefined } }) {
  return {
    jobId: parseOrThrow(uuid("job"), c.req.param("jobId"), "job id"),
    submissionId: parseOrThrow(uuid("submission"), c.req.param("submissionId"), "submission id"),
  };
}

export const staffTasks = new Hono<AppEnv>()
  .use(requireUser, requireStaff)
  .get("/", async (c) => {
    const conn = await connectFromWorker(c.env);
    let jobIds: string[];
    try {
      jobIds = await staffTaskJobIds(conn.db);
    } finally {
      await conn.close();
    }
    // Postgres finds the jobs; each coordinator says what is open right now.
    const lists = await Promise.all(jobIds.map((id) => coordinatorFor(c.env, id).staffTaskList()));
    const tasks: StaffTaskSummary[] = lists.flat().sort((a, b) => a.updatedAt - b.updatedAt);
    return c.json({ tasks });
  })
  .get("/:jobId/:submissionId", async (c) => {
    const { jobId, submissionId } = params(c);
    return c.json(answer(await coordinatorFor(c.env, jobId).staffTaskPacket(submissionId)));
  })
  .post("/:jobId/:submissionId/claim", async (c) => {
    const { jobId, submissionId } = params(c);
    return c.json(answer(await coordinatorFor(c.env, jobId).claimStaffTask(submissionId, member(c.get("user")))));
  })
  .post("/:jobId/:submissionId/outcome", async (c) => {
    const { jobId, submissionId } = params(c);
    const input = await jsonBody(c, staffOutcomeSchema);
    return c.json(answer(await coordinatorFor(c.env, jobId).recordStaffOutcome(submissionId, member(c.get("user")), input)));
  });
