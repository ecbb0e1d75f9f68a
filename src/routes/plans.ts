/** `GET /api/plans`: the one plan table (core/plans.ts), as JSON. */
import { createRoute, z } from "@hono/zod-openapi";
import { PLANS, PLAN_IDS } from "../../core/plans";
import { newApiApp } from "../http/openapi";

export const PlanSchema = z
  .object({
    id: z.enum(PLAN_IDS),
    name: z.string(),
    directories: z.number().int().openapi({ description: "Directories the order is submitted to" }),
    priceCents: z.number().int(),
    currency: z.literal("usd"),
    tierLimit: z.number().int().openapi({ description: "Highest catalog tier the plan draws from first (1 = most valuable); lower tiers only fill a count its own tiers cannot" }),
    captchaSolving: z.boolean(),
    proxyRotation: z.boolean(),
    maxInFlight: z.number().int().openapi({ description: "Submissions of one job in flight at once" }),
  })
  .openapi("Plan");

const listPlans = createRoute({
  method: "get",
  path: "/",
  tags: ["purchase"],
  summary: "The plans on sale",
  responses: {
    200: { description: "Every plan, cheapest first", content: { "application/json": { schema: z.object({ plans: z.array(PlanSchema) }) } } },
  },
});

export const plans = newApiApp().openapi(listPlans, (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json({ plans: PLAN_IDS.map((id) => PLANS[id]) }, 200);
});
