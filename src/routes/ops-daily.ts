/**
 * `GET /api/ops/daily?from=YYYY-MM-DD&to=YYYY-MM-DD` (staff): the daily
 * roll-ups the cron stores (src/observability/daily-rollup.ts), newest
 * first; by default the last 30 days. At most 366 days per request.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { parseOrThrow } from "../http/validation";
import { readRollups, utcDay } from "../observability/daily-rollup";
import { withDatabase } from "./api-support";

const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Not a date");
const query = z.object({ from: isoDay.optional(), to: isoDay.optional() }).strict();

export const opsDaily = new Hono<{ Bindings: Env; Variables: AuthVariables }>().get("/", requireUser, requireStaff, async (c) => {
  const q = parseOrThrow(query, c.req.query(), "query");
  const now = new Date();
  const to = q.to ?? utcDay(now);
  const from = q.from ?? utcDay(new Date(`${to}T00:00:00Z`), -29);
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (span < 0) throw new ApiError(400, "validation_failed", "Invalid query: from", { fields: { from: "Must not be after to" } });
  if (span > 365) throw new ApiError(400, "validation_failed", "Invalid query: from", { fields: { from: "At most 366 days at once" } });
  const days = await withDatabase(c.env, ({ client }) => readRollups(client, from, to));
  c.header("cache-control", "no-store");
  return c.json({ from, to, days });
});
