/**
 * "Update my listings" (issue 19 item 2):
 * - `POST /api/jobs/:id/listing-update` (the job's own customer) pushes the
 *   saved profile's name, address, phone, website and hours to the job's
 *   live listings: by browser where the vault holds a login, as staff items
 *   elsewhere. One update is included within 12 months of the order; a
 *   second is 409 `update_allowance_used`. A double click or replay (the same
 *   profile again) answers the same update, `repeated: true`.
 * - `GET` the same path: its progress per listing (customer and staff).
 * The job's coordinator runs it (durable-objects/coordinator/listing-update.ts);
 * Postgres holds only the allowance (src/listings/update.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { assertCanSeeJob } from "../jobs/access";
import { coordinatorFor } from "../jobs/coordinator-client";
import { claimUpdate, loginsForUpdate, releaseUpdate } from "../listings/update";
import { LISTING_UPDATE_STATUSES, UPDATE_FIELDS } from "../../core/protocol/site";

const UpdateView = z
  .object({
    updateId: z.string().uuid(),
    startedAt: z.string(),
    changes: z.array(z.object({ field: z.enum(UPDATE_FIELDS), before: z.string().nullable(), after: z.string().nullable() })),
    items: z.array(
      z.object({
        submissionId: z.string().uuid(),
        directoryName: z.string(),
        listingUrl: z.string(),
        method: z.enum(["machine", "staff"]),
        status: z.enum(LISTING_UPDATE_STATUSES),
        reason: z.string().nullable(),
        attempts: z.number().int(),
        updatedAt: z.string(),
      }),
    ),
    summary: z.object({
      machine: z.number().int(),
      confirmed: z.number().int(),
      failed: z.number().int(),
      updating: z.number().int(),
      staff: z.number().int(),
      byStaff: z.number().int(),
      notPossible: z.number().int(),
    }),
  })
  .openapi("ListingUpdate");

const start = createRoute({
  method: "post",
  path: "/{id}/listing-update",
  tags: ["jobs"],
  summary: "Push the changed profile to the job's live listings (one update within 12 months of the order)",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: {
    200: jsonAnswer("The update, started now or (`repeated`) already", z.object({ repeated: z.boolean(), update: UpdateView })),
    ...signedIn,
    400: jsonError("Not a job id"),
    403: jsonError("Staff cannot start a customer's update (`owner_only`)"),
    404: jsonError("No such job (or not yours)"),
    409: jsonError("`update_allowance_used`, `update_window_closed`, `nothing_changed`, `no_live_listings`, `no_profile`, or the job is not running here"),
  },
});

const progress = createRoute({
  method: "get",
  path: "/{id}/listing-update",
  tags: ["jobs"],
  summary: "The update's progress per listing",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: {
    200: jsonAnswer("The update, or null when none was started", z.object({ update: UpdateView.nullable() })),
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours)"),
  },
});

const REFUSED: Record<string, string> = {
  update_allowance_used: "This job's included update was used; the listings were updated once already",
  update_window_closed: "The included update is available for 12 months after the order",
  no_profile: "There is no business profile to push",
  nothing_changed: "The name, address, phone, website and hours are as the listings carry them: nothing to update",
  no_live_listings: "The job has no live listings to update",
  another_update: "This job's included update was used; the listings were updated once already",
  job_not_loaded: "The job is not running here; try again in a minute",
  job_not_running: "The job was cancelled or has not started: its listings cannot be updated",
};

export const listingUpdate = newApiApp<AuthVariables>()
  .openapi(start, async (c) => {
    const { id } = c.req.valid("param");
    const user = c.get("user");
    if (user.staff) {
      await assertCanSeeJob(c.env, user, id);
      throw new ApiError(403, "owner_only", "Only the job's customer can start its update");
    }
    const claim = await withDatabase(c.env, ({ client, db }) => claimUpdate(client, db, id, user.userId));
    if (!claim.ok) {
      if (claim.code === "not_owner") throw new ApiError(404, "not_found", "No such job");
      throw new ApiError(409, claim.code, REFUSED[claim.code]!);
    }
    const logins = await withDatabase(c.env, ({ client }) => loginsForUpdate(client, id));
    const give = () => (claim.repeated ? Promise.resolve() : withDatabase(c.env, ({ client }) => releaseUpdate(client, id, claim.updateId)));
    const result = await coordinatorFor(c.env, id)
      .startListingUpdate(claim.updateId, claim.business, logins)
      .catch(async (err: unknown) => {
        await give();
        throw err;
      });
    if (!result.applied) {
      // Nothing was started under this id: the allowance is given back (unless another update holds it).
      if (result.reason !== "another_update") await give();
      const code = result.reason === "another_update" ? "update_allowance_used" : result.reason;
      throw new ApiError(409, code, REFUSED[result.reason]!);
    }
    // The Postgres claim alone says who started it: of two clicks at once, the one that lost the claim may reach the coordinator first.
    return c.json({ repeated: claim.repeated, update: result.view }, 200);
  })
  .openapi(progress, async (c) => {
    const { id } = c.req.valid("param");
    await assertCanSeeJob(c.env, c.get("user"), id);
    return c.json({ update: await coordinatorFor(c.env, id).listingUpdate() }, 200);
  });
