/**
 * Watching and steering jobs:
 * - `POST /api/jobs/:id/ws-ticket` (customer of the job, or staff) → a ticket
 * - `GET /api/jobs/:id/ws?ticket=` → the job's live WebSocket (hibernating)
 * - `GET /api/jobs/:id` → the job's snapshot, for pages that poll
 * - `GET /api/jobs/:id/submissions/:submissionId/evidence` → the screenshot
 * - `POST /api/staff/jobs/:id/{start,pause,resume,cancel,retry-failed}` and
 *   `POST /api/staff/jobs/:id/submissions/:submissionId/retry` (staff)
 * - `GET /api/staff/jobs/:id/notes` (staff) → the retry analyzer's words for
 *   staff per submission (src/jobs/staff-notes.ts)
 * - `POST /api/ops/ws-ticket` and `GET /api/ops/ws?ticket=` (staff) → OpsMonitor
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { signTicket, verifyTicket, TICKET_TTL_SECONDS } from "../auth/ws-ticket";
import { connectFromWorker } from "../db/worker-database";
import { ApiError } from "../http/errors";
import { jsonBody, parseOrThrow } from "../http/validation";
import { keyBelongsTo } from "../../core/evidence-keys";
import { canSeeJob } from "../jobs/access";
import { coordinatorFor, opsMonitor } from "../jobs/coordinator-client";
import { staffJobNotes } from "../jobs/staff-notes";
import { withDatabase } from "./api-support";

type AppEnv = { Bindings: Env; Variables: AuthVariables };
const jobId = z.string().uuid("not a job id");

async function assertCanSee(env: Env, user: AuthVariables["user"], id: string): Promise<void> {
  if (user.staff) return;
  const conn = await connectFromWorker(env);
  try {
    // 404 rather than 403: a customer learns nothing about others' job ids.
    if (!(await canSeeJob(conn.db, user, id))) throw new ApiError(404, "not_found", "No such job");
  } finally {
    await conn.close();
  }
}

function upgradeOrThrow(req: Request): void {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Open this URL as a WebSocket");
  }
}

/** Forwards the upgrade with the verified role; the object trusts only this header. */
function withRole(req: Request, role: string): Request {
  const headers = new Headers(req.headers);
  headers.set("x-socket-role", role);
  return new Request(req.url, { headers, method: "GET" });
}

export const jobs = new Hono<AppEnv>()
  .post("/:id/ws-ticket", requireUser, async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const user = c.get("user");
    await assertCanSee(c.env, user, id);
    const ticket = await signTicket(c.env.WS_TICKET_SECRET, { target: id, role: user.staff ? "staff" : "customer", userId: user.userId });
    return c.json({ ticket, expiresIn: TICKET_TTL_SECONDS, url: `/api/jobs/${id}/ws?ticket=${encodeURIComponent(ticket)}` });
  })
  .get("/:id/ws", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    upgradeOrThrow(c.req.raw);
    const ticket = await verifyTicket(c.env.WS_TICKET_SECRET, c.req.query("ticket") ?? "", id);
    if (!ticket) throw new ApiError(401, "invalid_ticket", "The socket ticket is missing, expired or for another job");
    return coordinatorFor(c.env, id).fetch(withRole(c.req.raw, ticket.role));
  })
  .get("/:id/submissions/:submissionId/evidence", requireUser, async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const submissionId = parseOrThrow(z.string().uuid("not a submission id"), c.req.param("submissionId"), "submission id");
    await assertCanSee(c.env, c.get("user"), id);
    const view = (await coordinatorFor(c.env, id).snapshot()).submissions.find((s) => s.submissionId === submissionId);
    const key = view?.evidenceKey;
    if (!key || !keyBelongsTo(key, id, submissionId)) throw new ApiError(404, "not_found", "No evidence for this submission yet");
    const object = await c.env.EVIDENCE.get(key);
    if (!object) throw new ApiError(404, "not_found", "No evidence for this submission yet");
    return new Response(object.body, {
      headers: {
        "content-type": object.httpMetadata?.contentType ?? "image/png",
        "cache-control": "private, max-age=3600",
      },
    });
  })
  .get("/:id", requireUser, async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    await assertCanSee(c.env, c.get("user"), id);
    const snapshot = await coordinatorFor(c.env, id).snapshot();
    if (!snapshot.job.jobId) throw new ApiError(404, "not_started", "This job has not started yet");
    return c.json(snapshot);
  });

const cancelBody = z.object({ reason: z.string().trim().min(3).max(500) });

export const staffJobs = new Hono<AppEnv>()
  .use(requireUser, requireStaff)
  .get("/:id/notes", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const notes = await withDatabase(c.env, ({ db }) => staffJobNotes(db, c.get("user"), id));
    if (!notes) throw new ApiError(404, "not_found", "No such job");
    return c.json(notes);
  })
  .post("/:id/start", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const result = await coordinatorFor(c.env, id).start(id);
    if (!result.ok) {
      const status = result.reason === "database_unavailable" ? 503 : 404;
      throw new ApiError(status, result.reason, result.reason === "not_found" ? "No such job" : "The database is unreachable; the job will start when it is back");
    }
    return c.json(result.job);
  })
  .post("/:id/pause", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    return c.json(await coordinatorFor(c.env, id).pause(`paused by staff (${c.get("user").email ?? c.get("user").userId})`));
  })
  .post("/:id/resume", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    return c.json(await coordinatorFor(c.env, id).resume());
  })
  .post("/:id/cancel", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const { reason } = await jsonBody(c, cancelBody);
    return c.json(await coordinatorFor(c.env, id).cancel(reason));
  })
  .post("/:id/retry-failed", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    return c.json(await coordinatorFor(c.env, id).retryFailed());
  })
  .post("/:id/submissions/:submissionId/retry", async (c) => {
    const id = parseOrThrow(jobId, c.req.param("id"), "job id");
    const submissionId = parseOrThrow(z.string().uuid(), c.req.param("submissionId"), "submission id");
    const result = await coordinatorFor(c.env, id).retrySubmission(submissionId);
    if (!result.applied) throw new ApiError(409, result.reason, `The submission cannot be retried (${result.reason.replace(/_/g, " ")})`);
    return c.json(result);
  });

export const ops = new Hono<AppEnv>()
  .post("/ws-ticket", requireUser, requireStaff, async (c) => {
    const ticket = await signTicket(c.env.WS_TICKET_SECRET, { target: "ops", role: "staff", userId: c.get("user").userId });
    return c.json({ ticket, expiresIn: TICKET_TTL_SECONDS, url: `/api/ops/ws?ticket=${encodeURIComponent(ticket)}` });
  })
  .get("/ws", async (c) => {
    upgradeOrThrow(c.req.raw);
    const ticket = await verifyTicket(c.env.WS_TICKET_SECRET, c.req.query("ticket") ?? "", "ops");
    if (!ticket || ticket.role !== "staff") throw new ApiError(401, "invalid_ticket", "The socket ticket is missing, expired or not a staff ticket");
    return opsMonitor(c.env).fetch(withRole(c.req.raw, "staff"));
  })
  .get("/overview", requireUser, requireStaff, async (c) => c.json(await opsMonitor(c.env).overview()));
