/**
 * The signed-in customer's business profile:
 * - `GET /api/business` → `{profile, complete, missing}` (profile null when none yet);
 * - `PUT /api/business` → validates and normalises the whole profile
 *   (src/profile/schema.ts), stores it, and starts every paid job that was
 *   waiting for it. A bad profile is a 400 naming each bad field, and writes
 *   nothing (not even the account link).
 * The customer row is found by the token's user id, or linked on first use
 * by the token's email (src/billing/customers.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { customerForUser } from "../billing/customers";
import { catalogOf } from "../billing/fulfilment";
import { markJobReady, startReadyJobs, waitingJobIds, type Readiness } from "../billing/readiness";
import { BusinessProfileInput, BusinessProfileOutput, missingProfileFields } from "../profile/schema";
import { loadProfile, profileFromRow, saveProfile } from "../profile/store";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonError, newApiApp } from "../http/openapi";
import { runAfterResponse, withDatabase } from "../http/per-request";

const ProfileAnswer = z
  .object({
    profile: BusinessProfileOutput.nullable(),
    complete: z.boolean(),
    missing: z.array(z.string()).openapi({ description: "Required fields still missing" }),
  })
  .openapi("BusinessProfileAnswer");

const SavedAnswer = ProfileAnswer.extend({
  jobsReady: z.array(z.string()).openapi({ description: "Paid jobs that now have everything they need and were started" }),
}).openapi("BusinessProfileSaved");

const auth = {
  401: jsonError("Not signed in, or the token is invalid"),
  403: jsonError("The token carries no email address"),
  409: jsonError("The token's email belongs to another account"),
};

const getProfile = createRoute({
  method: "get",
  path: "/",
  tags: ["business"],
  summary: "The signed-in customer's business profile",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  responses: {
    200: { description: "The profile (null before the first save)", content: { "application/json": { schema: ProfileAnswer } } },
    ...auth,
  },
});

const putProfile = createRoute({
  method: "put",
  path: "/",
  tags: ["business"],
  summary: "Save the whole business profile (validated and normalised)",
  security: [{ bearer: [] }],
  middleware: [requireUser, ...jsonRequest()],
  request: { body: { required: true, content: { "application/json": { schema: BusinessProfileInput } } } },
  responses: {
    200: { description: "Saved, normalised as stored", content: { "application/json": { schema: SavedAnswer } } },
    ...errorResponses,
    ...auth,
  },
});

export const business = newApiApp<AuthVariables>()
  .openapi(getProfile, async (c) => {
    c.header("cache-control", "no-store");
    // Every access in one transaction (it may link the account).
    const answer = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = await customerForUser(tx, c.get("user"), { create: false });
        const row = customer ? await loadProfile(tx, customer.id) : null;
        const profile = row ? profileFromRow(row) : null;
        const missing = missingProfileFields(profile);
        return { profile, complete: missing.length === 0, missing };
      }),
    );
    return c.json(answer, 200);
  })
  .openapi(putProfile, async (c) => {
    const input = c.req.valid("json");
    c.header("cache-control", "no-store");
    // One transaction: link the account, save, and decide which waiting jobs
    // may now start; the coordinators are told after it commits.
    const { answer, readiness } = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = (await customerForUser(tx, c.get("user"), { create: true }))!;
        const row = await saveProfile(tx, customer.id, input);
        const profile = profileFromRow(row);
        const missing = missingProfileFields(profile);
        const readiness: Readiness[] = [];
        for (const jobId of await waitingJobIds(tx, customer.id)) readiness.push(await markJobReady(tx, jobId, catalogOf(c.env)));
        const jobsReady = readiness.filter((r) => r.ready).map((r) => r.jobId);
        return { answer: { profile, complete: missing.length === 0, missing, jobsReady }, readiness };
      }),
    );
    await startReadyJobs(c.env, readiness, { defer: (p) => runAfterResponse(c, p, "startJob") });
    return c.json(answer, 200);
  });
