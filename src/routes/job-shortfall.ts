/**
 * `GET /api/jobs/:id/shortfall`: the job's promise (plan count, count
 * available at checkout, whether a shortfall was accepted) and its shortfall
 * refund in words, for the job's customer (portal) and staff (job page).
 * Another customer gets the stranger's 404, as for the job itself.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { jobPromise } from "../billing/job-promise";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { assertCanSeeJob } from "../jobs/access";
import { PLAN_IDS } from "../../core/plans";

const Shortfall = z
  .object({
    plan: z.enum(PLAN_IDS),
    promised: z.number().int(),
    available: z.number().int().nullable().openapi({ description: "Relevant directories when the order was placed (null: before the promise was recorded)" }),
    shortfallAccepted: z.boolean(),
    refund: z
      .object({
        status: z.enum(["pending", "succeeded", "failed"]),
        promised: z.number().int(),
        delivered: z.number().int(),
        amountCents: z.number().int(),
        chargeAmountCents: z.number().int(),
        currency: z.string(),
        refundedAt: z.string().nullable(),
        message: z.string().openapi({ description: "The refund in words, as the customer reads it" }),
      })
      .nullable(),
  })
  .openapi("JobShortfall");

const get = createRoute({
  method: "get",
  path: "/{id}/shortfall",
  tags: ["jobs"],
  summary: "What the job was promised, and the refund of any shortfall",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: {
    200: jsonAnswer("The promise and the refund", Shortfall),
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours)"),
  },
});

export const jobShortfall = newApiApp<AuthVariables>().openapi(get, async (c) => {
  const { id } = c.req.valid("param");
  await assertCanSeeJob(c.env, c.get("user"), id);
  const promise = await withDatabase(c.env, ({ db }) => db.transaction((tx) => jobPromise(tx, id)));
  if (!promise) throw new ApiError(404, "not_found", "No such job");
  c.header("cache-control", "no-store");
  return c.json(promise, 200);
});
