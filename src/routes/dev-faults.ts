/**
 * Fault injection hooks for `npm run test:faults`, never in production: they
 * exist only when DEV_FAULT_INJECTION=1 and PUBLIC_URL is a loopback address
 * (anywhere else every path is a 404, as if it did not exist), and they take
 * the worker token. Declared like every other route, but hidden from the
 * public document: they are not part of the API anyone may build on.
 *
 *   POST /api/dev/faults/jobs/:jobId/redeliver  send every task message the job's
 *                                               coordinator ever released to the queue again
 *   POST /api/dev/faults/jobs/:jobId/evict      drop the coordinator's instance (storage stays)
 *   GET  /api/dev/faults/jobs/:jobId/counters   duplicates refused, writes pending, after-submit work due soon
 *   POST /api/dev/faults/jobs/:jobId/lose-reports  for LOST_REPORTS_MS, every report a worker
 *                                               sends the coordinator is lost on its way
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireWorkerToken } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { jsonAnswer, newApiApp } from "../http/openapi";
import { uuidParams } from "../http/params";
import { coordinatorFor } from "../jobs/coordinator-client";
import { isLoopback } from "../billing/stripe";
import { faultInjectionEnabled } from "../jobs/fault-injection";

const JobParams = uuidParams({ jobId: "job" });

const redeliver = createRoute({
  method: "post",
  path: "/jobs/{jobId}/redeliver",
  hide: true,
  request: { params: JobParams },
  responses: { 200: jsonAnswer("Messages sent to the queue again", z.object({ sent: z.number().int() })) },
});

const evict = createRoute({
  method: "post",
  path: "/jobs/{jobId}/evict",
  hide: true,
  request: { params: JobParams },
  responses: { 200: jsonAnswer("The coordinator's instance was dropped", z.object({ evicted: z.literal(true) })) },
});

/** Longer than a worker's own report retries (about 15 s), so its report must be kept and delivered later. */
export const LOST_REPORTS_MS = 30_000;

const loseReports = createRoute({
  method: "post",
  path: "/jobs/{jobId}/lose-reports",
  hide: true,
  request: { params: JobParams },
  responses: { 200: jsonAnswer("Reports are lost for a while", z.object({ lostForMs: z.number().int() })) },
});

const counters = createRoute({
  method: "get",
  path: "/jobs/{jobId}/counters",
  hide: true,
  request: { params: JobParams },
  responses: { 200: jsonAnswer("Duplicates refused, writes pending, after-submit work due soon", z.object({}).passthrough()) },
});

export const devFaults = newApiApp();

// The gate runs before validation, so a disabled hook is a 404 whatever is sent.
devFaults.use("*", async (c, next) => {
  // The request itself must be addressed to a loopback host too, whatever the configuration says.
  if (!faultInjectionEnabled(c.env) || !isLoopback(c.req.url)) throw new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
  await next();
});
devFaults.use("*", requireWorkerToken("faults"));

devFaults
  .openapi(redeliver, async (c) => {
    const messages = await coordinatorFor(c.env, c.req.valid("param").jobId).faults().releasedMessages();
    // Queues take at most 100 messages a batch.
    for (let i = 0; i < messages.length; i += 100) {
      await c.env.TASKS.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
    }
    return c.json({ sent: messages.length }, 200);
  })
  .openapi(evict, async (c) => {
    const faults = await coordinatorFor(c.env, c.req.valid("param").jobId).faults();
    // abort() rejects the call that made it: that is the eviction happening.
    await faults.evict().catch(() => undefined);
    return c.json({ evicted: true as const }, 200);
  })
  .openapi(loseReports, async (c) => {
    await coordinatorFor(c.env, c.req.valid("param").jobId).faults().loseReports(LOST_REPORTS_MS);
    return c.json({ lostForMs: LOST_REPORTS_MS }, 200);
  })
  .openapi(counters, async (c) => c.json(await coordinatorFor(c.env, c.req.valid("param").jobId).faults().counters(), 200));
