/**
 * Watching a job (its customer, or staff):
 * - `POST /api/jobs/:id/ws-ticket` → a ticket for the job's socket
 * - `GET /api/jobs/:id/ws` → the job's live WebSocket (hibernating), the ticket offered as a subprotocol
 * - `GET /api/jobs/:id` → the job's snapshot, for pages that poll, with its
 *   survival checks (`listingCare`: figures and each listing's latest check)
 * - `GET /api/jobs/:id/submissions/:submissionId/evidence` → the screenshot
 * - `GET /api/jobs/:id/images/:image` → the business's logo (`logo`) or a
 *   photo (`0`-`9`), for the staff packet's links and the job's owner
 * Staff controls are src/routes/staff-jobs.ts, the ops socket src/routes/ops.ts.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { signTicket, verifyTicket, TICKET_TTL_SECONDS } from "../auth/ws-ticket";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { forwardUpgrade, offeredTicket, ticketParameter, upgradeOrThrow } from "../http/socket-upgrade";
import { keyBelongsTo } from "../../core/evidence-keys";
import { assertCanSeeJob } from "../jobs/access";
import { coordinatorFor } from "../jobs/coordinator-client";
import { listingCare, reportedChecks } from "../listings/portal";
import { log } from "../../core/log";

export const SocketTicket = z
  .object({
    ticket: z.string(),
    expiresIn: z.number().int().openapi({ description: "Seconds the ticket is valid" }),
    url: z.string().openapi({ description: "The socket's path; the ticket goes in Sec-WebSocket-Protocol, never the URL" }),
  })
  .openapi("SocketTicket");

const JobParams = uuidParams({ id: "job" });
const noSuchJob = { 400: jsonError("Not a job id"), 404: jsonError("No such job (or not yours)") };

const wsTicket = createRoute({
  method: "post",
  path: "/{id}/ws-ticket",
  tags: ["jobs"],
  summary: "A short-lived ticket to open the job's live socket",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: JobParams },
  responses: { 200: jsonAnswer("The ticket and the socket's URL", SocketTicket), ...signedIn, ...noSuchJob },
});

const socket = createRoute({
  method: "get",
  path: "/{id}/ws",
  tags: ["jobs"],
  summary: "The job's live WebSocket (progress, activity)",
  request: { params: JobParams },
  parameters: [ticketParameter("POST /api/jobs/{id}/ws-ticket")],
  responses: {
    101: { description: "Switching to the WebSocket protocol" },
    400: jsonError("Not a job id"),
    401: jsonError("The ticket is missing, expired, already used or for another job"),
    426: jsonError("Not a WebSocket upgrade"),
  },
});

const evidence = createRoute({
  method: "get",
  path: "/{id}/submissions/{submissionId}/evidence",
  tags: ["jobs"],
  summary: "The screenshot a worker took of a submission",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job", submissionId: "submission" }) },
  responses: {
    200: { description: "The screenshot", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...signedIn,
    400: jsonError("Not a job or submission id"),
    404: jsonError("No such job, or no evidence for this submission yet"),
  },
});

const image = createRoute({
  method: "get",
  path: "/{id}/images/{image}",
  tags: ["jobs"],
  summary: "The business's logo or one of its photos, as the job's directories receive them",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: {
    params: uuidParams({ id: "job" }).extend({
      image: z.string().openapi({ param: { name: "image", in: "path" }, example: "logo", description: "`logo`, or a photo's index from 0" }),
    }),
  },
  responses: {
    200: { description: "The image", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job, or no such image"),
  },
});

const snapshot = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["jobs"],
  summary: "The job's snapshot (progress, submissions, activity), for pages that poll",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: JobParams },
  responses: {
    200: jsonAnswer(
      "The snapshot (core/protocol/live.ts: the same shape the socket sends), with `listingCare`: the live/checked/flagged figures after the survival checks (a listing found gone is not live) and each checked listing's latest check",
      z.looseObject({}).openapi("JobSnapshot"),
    ),
    ...signedIn,
    ...noSuchJob,
  },
});

export const jobs = newApiApp<AuthVariables>()
  .openapi(wsTicket, async (c) => {
    const { id } = c.req.valid("param");
    const user = c.get("user");
    await assertCanSeeJob(c.env, user, id);
    const ticket = await signTicket(c.env.WS_TICKET_SECRET, { target: id, role: user.staff ? "staff" : "customer", userId: user.userId });
    return c.json({ ticket, expiresIn: TICKET_TTL_SECONDS, url: `/api/jobs/${id}/ws` }, 200);
  })
  .openapi(socket, async (c) => {
    const { id } = c.req.valid("param");
    upgradeOrThrow(c.req.raw);
    const ticket = await verifyTicket(c.env.WS_TICKET_SECRET, offeredTicket(c.req.raw), id);
    if (!ticket) throw new ApiError(401, "invalid_ticket", "The socket ticket is missing, expired or for another job");
    return coordinatorFor(c.env, id).fetch(forwardUpgrade(c.req.raw, ticket));
  })
  .openapi(evidence, async (c) => {
    const { id, submissionId } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
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
  .openapi(image, async (c) => {
    const { id, image } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const key = await withDatabase(c.env, async ({ db }) => {
      const rows = await db.execute<{ customer_id: string; logo_key: string | null; photo_keys: string[] | null }>(
        sql`select p.customer_id, p.logo_key, p.photo_keys from jobs j join business_profiles p on p.customer_id = j.customer_id where j.id = ${id}`,
      );
      const row = rows.rows[0];
      if (!row) return undefined;
      const wanted = image === "logo" ? row.logo_key : /^\d{1,2}$/.test(image) ? row.photo_keys?.[Number(image)] : undefined;
      // Only the job's own customer's objects, whatever a row says.
      return wanted?.startsWith(`profiles/${row.customer_id}/`) ? wanted : undefined;
    });
    if (!key) throw new ApiError(404, "not_found", "No such image");
    const object = await c.env.EVIDENCE.get(key);
    if (!object) throw new ApiError(404, "not_found", "No such image");
    return new Response(object.body, {
      headers: {
        "content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
        "cache-control": "private, max-age=3600",
      },
    });
  })
  .openapi(snapshot, async (c) => {
    const { id } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const snapshot = await coordinatorFor(c.env, id).snapshot();
    if (!snapshot.job.jobId) throw new ApiError(404, "not_started", "This job has not started yet");
    // The report includes the survival checks (issue 19): they are in Postgres, the coordinator does not hold them.
    // The live snapshot does not wait on Postgres: without it, `listingCare` is null and the page polls on.
    const care = await withDatabase(c.env, async ({ client }) => reportedChecks(await listingCare(client, id))).catch((err: unknown) => {
      log("warn", "job report: survival checks not read", { jobId: id, error: String(err) });
      return null;
    });
    return c.json({ ...snapshot, listingCare: care }, 200);
  });
