/**
 * `GET /api/ops/daily?from=YYYY-MM-DD&to=YYYY-MM-DD` (staff): the daily
 * roll-ups the cron stores (src/observability/daily-rollup.ts), newest
 * first; by default the last 30 days. At most 366 days per request.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { withDatabase } from "../http/per-request";
import { readRollups, utcDay } from "../observability/daily-rollup";

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a date");
const query = z.object({ from: isoDay.optional(), to: isoDay.optional() }).strict();

const daily = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "The cron's daily roll-ups, newest first (by default the last 30 days)",
  security: [{ bearer: [] }],
  middleware: [requireUser, requireStaff],
  request: { query },
  responses: {
    200: jsonAnswer("The days between from and to", z.object({ from: z.string(), to: z.string(), days: z.array(z.looseObject({}).openapi("DailyRollup")) })),
    ...staffOnly,
    400: jsonError("Not a day, from after to, or more than 366 days"),
  },
});

export const opsDaily = newApiApp<AuthVariables>().openapi(daily, async (c) => {
  const q = c.req.valid("query");
  const now = new Date();
  const to = q.to ?? utcDay(now);
  const from = q.from ?? utcDay(new Date(`${to}T00:00:00Z`), -29);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (span < 0) throw new ApiError(400, "validation_failed", "Invalid query: from", { fields: { from: "Must not be after to" } });
  if (span > 365) throw new ApiError(400, "validation_failed", "Invalid query: from", { fields: { from: "At most 366 days at once" } });
  const days = await withDatabase(c.env, ({ client }) => readRollups(client, from, to));
  c.header("cache-control", "no-store");
  return c.json({ from, to, days }, 200);
});
