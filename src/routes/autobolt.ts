/** `GET /api/autobolt/status` (worker token): queue and worker status, for external fleets. */
import { createRoute, z } from "@hono/zod-openapi";
import { requireWorkerToken } from "../auth/middleware";
import { jsonAnswer, jsonError, newApiApp } from "../http/openapi";
import { opsMonitor } from "../jobs/coordinator-client";

const status = createRoute({
  method: "get",
  path: "/status",
  tags: ["worker"],
  summary: "Queue and worker status",
  security: [{ worker: [] }],
  middleware: [requireWorkerToken("tasks")],
  responses: {
    200: jsonAnswer(
      "Active jobs, queue depth, reports in the last hour, workers",
      z.object({ activeJobs: z.number().int(), queueDepth: z.number().int(), reportsLastHour: z.number().int(), workers: z.array(z.looseObject({})) }),
    ),
    401: jsonError("A valid worker bearer token is required"),
    403: jsonError("The worker token lacks the `tasks` scope"),
  },
});

export const autobolt = newApiApp().openapi(status, async (c) => {
  const overview = await opsMonitor(c.env).overview();
  return c.json(
    {
      activeJobs: overview.jobs.filter((j) => j.status === "in_progress").length,
      queueDepth: overview.queueDepth,
      reportsLastHour: overview.throughputPerMinute.reduce((a, b) => a + b, 0),
      workers: overview.workers,
    },
    200,
  );
});
