/**
 * `POST /api/webhooks/stripe`: Stripe's deliveries (and the local checkout's,
 * signed the same way). The signature is verified on the raw body before
 * anything is parsed or written; a bad, missing or stale signature is a 400
 * and writes nothing. Then the event is applied exactly once
 * (src/billing/webhook.ts) and answered 200 (a replay: 200, no-op).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { catalogOf } from "../billing/fulfilment";
import { maybeStartJob } from "../billing/readiness";
import { cancelJob } from "../billing/start-job";
import { Stripe, isLiveMode, verifyStripeEvent } from "../billing/stripe";
import { processStripeEvent, type ProcessedEvent } from "../billing/webhook";
import { ApiError } from "../http/errors";
import { log } from "../../core/log";
import { WEBHOOK_BODY_LIMIT, mediaType, sizeLimit } from "../http/body";
import { jsonError, newApiApp } from "../http/openapi";
import { nulPath } from "../http/validation";
import { runAfterResponse, withDatabase } from "../http/per-request";

const WebhookAnswer = z
  .object({
    received: z.literal(true),
    eventId: z.string(),
    duplicate: z.boolean().openapi({ description: "A replay of an event already processed: nothing was done" }),
    outcome: z.string().openapi({ description: "What the event did: fulfilled, pending, payment_failed, refunded, partial_refund, ignored" }),
  })
  .openapi("WebhookAnswer");

const receiveEvent = createRoute({
  method: "post",
  path: "/",
  tags: ["purchase"],
  summary: "Stripe webhook endpoint (signed events)",
  middleware: [sizeLimit(WEBHOOK_BODY_LIMIT)],
  request: {
    headers: z.object({ "stripe-signature": z.string().optional().openapi({ description: "t=<unix>,v1=<hmac-sha256>" }) }),
    body: {
      required: true,
      // Described, not validated here: the raw bytes must reach the signature check untouched.
      content: { "application/json": { schema: { type: "object", description: "A Stripe Event object" } } },
    },
  },
  responses: {
    200: { description: "Processed, or a replay (no-op)", content: { "application/json": { schema: WebhookAnswer } } },
    400: jsonError("Missing, bad or stale signature, or a body that is not an event"),
    413: jsonError("Body larger than 1 MiB"),
    415: jsonError("Not application/json"),
    503: jsonError("The webhook secret is not configured"),
  },
});

function outcomeName(processed: ProcessedEvent): string {
  if (processed.duplicate || !processed.outcome) return "duplicate";
  const o = processed.outcome;
  return o.kind === "ignored" ? "ignored" : o.result.status;
}

export const stripeWebhook = newApiApp().openapi(receiveEvent, async (c) => {
  const secret = c.env.STRIPE_WEBHOOK_SECRET;
  if (!secret || !secret.trim()) {
    // Stripe retries for days: once the secret is set, nothing is lost.
    throw new ApiError(503, "webhook_not_configured", "STRIPE_WEBHOOK_SECRET is not set");
  }
  if (mediaType(c) !== "application/json") throw new ApiError(415, "unsupported_media_type", "Stripe events are application/json");
  const signature = c.req.header("stripe-signature");
  if (!signature) throw new ApiError(400, "missing_signature", "The Stripe-Signature header is missing");
  const raw = await c.req.text();

  let event: Stripe.Event;
  try {
    event = await verifyStripeEvent(c.env, raw, signature);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new ApiError(400, "invalid_signature", `Signature verification failed: ${err.message.split("\n")[0]}`);
    }
    if (err instanceof SyntaxError) throw new ApiError(400, "malformed_json", "The signed body is not valid JSON");
    throw err;
  }
  if (!event || typeof event !== "object" || typeof event.id !== "string" || typeof event.type !== "string" || !event.data?.object) {
    throw new ApiError(400, "invalid_event", "The body is not a Stripe event");
  }
  // Postgres text and jsonb cannot hold U+0000, and Stripe never sends one: a
  // signed body with a NUL is refused before it is written, not a 500 that
  // rolls back. (Found by the fuzz project: an event id of "\u0000".)
  const nulAt = nulPath(event);
  if (nulAt !== undefined) throw new ApiError(400, "invalid_event", `The event holds a NUL character at ${nulAt}`);

  const started = performance.now();
  const processed = await withDatabase(c.env, async ({ db }) => {
    const result = await processStripeEvent(db, { catalog: catalogOf(c.env), livemode: isLiveMode(c.env) }, event);
    // After the commit: readiness (one query), then the coordinator call
    // after the response.
    const outcome = result.outcome;
    if (outcome?.kind === "checkout" && outcome.result.status === "fulfilled" && outcome.result.created) {
      await maybeStartJob(c.env, db, outcome.result.jobId, { defer: (p) => runAfterResponse(c, p, "startJob") });
    }
    if (outcome?.kind === "refund" && outcome.result.status === "refunded" && outcome.result.cancelled && outcome.result.jobId) {
      runAfterResponse(c, cancelJob(c.env, outcome.result.jobId, "refunded"), "cancelJob");
    }
    return result;
  });
  const outcome = outcomeName(processed);
  const ms = performance.now() - started;
  // The database part of the answer, for benches and dashboards.
  c.header("server-timing", `db;dur=${ms.toFixed(1)}`);
  log("info", "stripe event", { requestId: c.req.header("cf-ray") ?? undefined, eventId: event.id, type: event.type, outcome, ms: Math.round(ms) });
  return c.json({ received: true as const, eventId: event.id, duplicate: processed.duplicate, outcome }, 200);
});
