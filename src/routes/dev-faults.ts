/**
 * Fault injection hooks for `npm run test:faults`, never in production: they
 * exist only when DEV_FAULT_INJECTION=1 and PUBLIC_URL is a loopback address
 * (anywhere else every path is a 404, as if it did not exist), and they take
 * the worker token.
 *
 *   POST /api/dev/faults/jobs/:jobId/redeliver  send every task message the job's
 *                                               coordinator ever released to the queue again
 *   POST /api/dev/faults/jobs/:jobId/evict      drop the coordinator's instance (storage stays)
 *   GET  /api/dev/faults/jobs/:jobId/counters   duplicates refused, writes pending
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireWorkerToken } from "../auth/middleware";
import { ApiError } from "../http/errors";
import { coordinatorFor } from "../jobs/coordinator-client";
import { faultInjectionEnabled } from "../jobs/fault-injection";

const jobId = z.string().uuid();

function param(value: string | undefined): string {
  const parsed = jobId.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "invalid_job_id", "The job id must be a UUID");
  return parsed.data;
}

export const devFaults = new Hono<{ Bindings: Env }>()
  .use("*", async (c, next) => {
    if (!faultInjectionEnabled(c.env)) throw new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
    await next();
  })
  .use("*", requireWorkerToken)
  .post("/jobs/:jobId/redeliver", async (c) => {
    const messages = await coordinatorFor(c.env, param(c.req.param("jobId"))).faults().releasedMessages();
    // Queues take at most 100 messages a batch.
    for (let i = 0; i < messages.length; i += 100) {
      await c.env.TASKS.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
    }
    return c.json({ sent: messages.length });
  })
  .post("/jobs/:jobId/evict", async (c) => {
    const faults = await coordinatorFor(c.env, param(c.req.param("jobId"))).faults();
    // abort() rejects the call that made it: that is the eviction happening.
    await faults.evict().catch(() => undefined);
    return c.json({ evicted: true });
  })
  .get("/jobs/:jobId/counters", async (c) => {
    return c.json(await coordinatorFor(c.env, param(c.req.param("jobId"))).faults().counters());
  });
