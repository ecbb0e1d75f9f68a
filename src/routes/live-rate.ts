/**
 * Live rate (issue 17 item 5; src/listings/live-rate.ts):
 * - `GET /api/jobs/:id/live-rate`: listings live 7, 14 and 28 days after
 *   the job started against the promise, for the job's customer (portal) and
 *   staff (job page); another customer gets the stranger's 404;
 * - `GET /api/staff/live-rate`: jobs 28 days past their start with fewer
 *   than 70% of the promise live (the staff dashboard).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, signedIn, staffOnly } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { assertCanSeeJob } from "../jobs/access";
import { jobLiveRate, jobsUnderLiveTarget } from "../listings/live-rate";
import { LIVE_RATE_DAYS } from "../../core/protocol/live-rate";

const LiveRate = z
  .object({
    jobId: z.string(),
    plan: z.string(),
    status: z.string(),
    startedAt: z.string().nullable(),
    promised: z.number().int().openapi({ description: "The checkout's promise (else the plan's count), less directories refunded as a shortfall" }),
    target: z.number().int().openapi({ description: "Listings to be live at day 28: 70% of the promise, rounded up" }),
    liveNow: z.number().int(),
    milestones: z.array(
      z.object({
        day: z.union(LIVE_RATE_DAYS.map((d) => z.literal(d))),
        at: z.string().nullable(),
        reached: z.boolean().openapi({ description: "Whether the day has come; before it, `live` is the count so far" }),
        live: z.number().int(),
        percent: z.number(),
      }),
    ),
    underTarget: z.boolean().openapi({ description: "Day 28 has come and fewer than `target` are live: replacements are made" }),
    replacements: z.number().int(),
  })
  .openapi("JobLiveRate");

const getJob = createRoute({
  method: "get",
  path: "/{id}/live-rate",
  tags: ["jobs"],
  summary: "Listings live 7, 14 and 28 days after the job started, against the promise",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  request: { params: uuidParams({ id: "job" }) },
  responses: {
    200: jsonAnswer("The live rate", LiveRate),
    ...signedIn,
    400: jsonError("Not a job id"),
    404: jsonError("No such job (or not yours)"),
  },
});

export const jobLiveRateApi = newApiApp<AuthVariables>().openapi(getJob, async (c) => {
  const { id } = c.req.valid("param");
  await assertCanSeeJob(c.env, c.get("user"), id);
  const rate = await withDatabase(c.env, ({ client }) => jobLiveRate(client, id));
  if (!rate) throw new ApiError(404, "not_found", "No such job");
  c.header("cache-control", "no-store");
  return c.json(rate, 200);
});

const listUnder = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Jobs 28 days past their start with fewer than 70% of the promise live, furthest behind first",
  security: [{ bearer: [] }],
  responses: {
    200: jsonAnswer("The jobs under target", z.object({ jobs: z.array(LiveRate) }).openapi("JobsUnderLiveTarget")),
    ...staffOnly,
  },
});

export const staffLiveRate = newApiApp<AuthVariables>();
staffLiveRate.use(requireUser, requireStaff);
staffLiveRate.openapi(listUnder, async (c) => {
  const jobs = await withDatabase(c.env, ({ client }) => jobsUnderLiveTarget(client));
  c.header("cache-control", "no-store");
  return c.json({ jobs }, 200);
});
