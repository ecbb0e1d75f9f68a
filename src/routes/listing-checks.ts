/**
 * Listing care after delivery (issue 19), for the job's customer and staff:
 * - `GET /api/jobs/:id/listings` → per listing: live since, last checked,
 *   next check, the latest survival check's verdict and what the directory
 *   shows against the profile; the live/checked/flagged figures;
 * - `POST /api/jobs/:id/listing-checks/:checkId/resubmit` → "submit again":
 *   a flagged (gone or changed) check puts its submission back in the queue
 *   at that directory, once per check: a second click (or a replay) is
 *   answered `repeated: true` and changes nothing.
 * - `GET /api/jobs/:id/listing-checks/:checkId/screenshot` → the page of a
 *   flagged listing as a browser saw it after the check.
 * Another customer gets the stranger's 404, as for the job itself.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { assertCanSeeJob } from "../jobs/access";
import { coordinatorFor } from "../jobs/coordinator-client";
import { checkScreenshotKey, claimResubmit, listingCare, releaseResubmit } from "../listings/portal";

const Details = z.object({ name: z.string().nullable(), address: z.string().nullable(), phone: z.string().nullable() });
const Listing = z
  .object({
    submissionId: z.string().uuid(),
    directoryName: z.string(),
    status: z.string(),
    listingUrl: z.string().nullable(),
    liveSince: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    nextCheckAt: z.string().nullable(),
    check: z
      .object({
        id: z.string().uuid(),
        milestoneDays: z.number().int(),
        verdict: z.string().nullable().openapi({ description: "`live`, `gone`, `changed` or `unreachable`" }),
        detail: z.string().nullable(),
        differences: z.array(z.string()).openapi({ description: "Of `name`, `address`, `phone`: what the directory shows differently" }),
        shown: Details.nullable().openapi({ description: "What the directory's page showed at the check" }),
        resubmittedAt: z.string().nullable(),
        canResubmit: z.boolean(),
        screenshot: z.boolean().openapi({ description: "A screenshot of the page as the check found it is stored (GET …/listing-checks/{checkId}/screenshot)" }),
        screenshotNote: z.string().nullable().openapi({ description: "Why a flagged check has no screenshot" }),
      })
      .nullable(),
  })
  .openapi("ListingCare");

const list = createRoute({
  method: "get",
  path: "/{id}/listings",
  tags: ["jobs"],
  summary: "The job's live listings and their survival checks (30, 90, 180 days)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: {
    200: jsonAnswer("The listings", z.object({ profile: Details, listings: z.array(Listing), summary: z.object({ live: z.number().int(), checked: z.number().int(), flagged: z.number().int() }) })),
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours)"),
  },
});

const resubmit = createRoute({
  method: "post",
  path: "/{id}/listing-checks/{checkId}/resubmit",
  tags: ["jobs"],
  summary: "Submit a flagged listing again at its directory (once per check)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job", checkId: "check" }) },
  responses: {
    200: jsonAnswer(
      "Back in the queue (or, `repeated`, it already was: nothing changed)",
      z.object({ submissionId: z.string().uuid(), repeated: z.boolean(), status: z.string().optional().openapi({ description: "The submission's status after this request put it back" }) }),
    ),
    ...signedIn,
    400: jsonError("Not a job or check id"),
    404: jsonError("No such job (or not yours), or no such check in it"),
    409: jsonError("The check found the listing as in the profile, or the listing cannot be submitted again (the code says why)"),
  },
});

const screenshot = createRoute({
  method: "get",
  path: "/{id}/listing-checks/{checkId}/screenshot",
  tags: ["jobs"],
  summary: "The screenshot of a flagged listing's page, taken after its survival check",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job", checkId: "check" }) },
  responses: {
    200: { description: "The screenshot", content: { "image/png": { schema: z.string().openapi({ format: "binary" }) } } },
    ...signedIn,
    400: jsonError("Not a job or check id"),
    404: jsonError("No such job (or not yours), no such check, or no screenshot of it (yet)"),
  },
});

export const listingChecks = newApiApp<AuthVariables>()
  .openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const view = await withDatabase(c.env, ({ client }) => listingCare(client, id));
    return c.json(view, 200);
  })
  .openapi(screenshot, async (c) => {
    const { id, checkId } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const key = await withDatabase(c.env, ({ client }) => checkScreenshotKey(client, id, checkId));
    const object = key ? await c.env.EVIDENCE.get(key) : null;
    if (!object) throw new ApiError(404, "not_found", "No screenshot of this check (yet)");
    return new Response(object.body, { headers: { "content-type": object.httpMetadata?.contentType ?? "image/png", "cache-control": "private, max-age=3600" } });
  })
  .openapi(resubmit, async (c) => {
    const { id, checkId } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    const claim = await withDatabase(c.env, ({ client }) => claimResubmit(client, id, checkId));
    if (!claim.ok) {
      if (claim.code === "no_such_check") throw new ApiError(404, "not_found", "No such check in this job");
      if (claim.code === "already_resubmitted") return c.json({ submissionId: claim.submissionId, repeated: true }, 200);
      throw new ApiError(409, claim.code, "The check found the listing as in the profile");
    }
    const result = await coordinatorFor(c.env, id)
      .resubmitListing(claim.submissionId)
      .catch(async (err: unknown) => {
        await withDatabase(c.env, ({ client }) => releaseResubmit(client, checkId));
        throw err;
      });
    if (!result.applied) {
      await withDatabase(c.env, ({ client }) => releaseResubmit(client, checkId));
      throw new ApiError(409, result.reason, `The listing cannot be submitted again (${result.reason.replace(/_/g, " ")})`);
    }
    return c.json({ submissionId: claim.submissionId, repeated: false, status: result.status }, 200);
  });
