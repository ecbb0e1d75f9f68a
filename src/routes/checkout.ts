/**
 * Checkout:
 * - `POST /api/checkout {plan, email}` → a Stripe Checkout Session (or the
 *   local stand-in's) → `{url, sessionId}`; an `Idempotency-Key` header makes
 *   a retried request return the same session.
 * - `GET /api/checkout/:sessionId` → the success page's poll, and the second
 *   way to fulfil: `{"status":"pending"|"fulfilled","jobId","plan","directories"}`.
 * - `GET /api/checkout/local/:sessionId` and its `POST .../pay`: the local
 *   stand-in's payment page (only without STRIPE_SECRET_KEY, on loopback).
 * The sessions are built in src/billing/checkout-session.ts, the stand-in's
 * page in src/billing/local-checkout-page.ts: this file only routes.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { createStripeSession, recordStripeSession, retrieveSession } from "../billing/checkout-session";
import { fulfilCheckoutSession, catalogOf } from "../billing/fulfilment";
import { createLocalSession, deliverLocalEvent, getLocalSession, localSessionEvent, localSessionObject, payLocalSession } from "../billing/local-checkout";
import { localPageCsp, localPageHtml } from "../billing/local-checkout-page";
import { maybeStartJob } from "../billing/readiness";
import { promiseOf, recordPromise, statePromise } from "../billing/promise";
import { readCheckoutSession } from "../billing/session";
import { checkoutMode, isLiveMode, isLocalCheckout, isLoopback, localCheckoutPageUrl } from "../billing/stripe";
import { jobs, orders } from "../db/schema";
import { formRequest, jsonRequest } from "../http/body";
import { ApiError } from "../http/errors";
import { errorResponses, jsonError, newApiApp } from "../http/openapi";
import { runAfterResponse, withDatabase } from "../http/per-request";
import { emailSchema } from "../profile/schema";
import { isCountryCode } from "../profile/countries";
import { isCategorySlug } from "../../core/catalog/categories";
import { PLANS, PLAN_IDS, type PlanId } from "../../core/plans";
import { log } from "../../core/log";
import { stripeWebhook } from "./stripe-webhook";

const CheckoutRequest = z
  .strictObject({
    plan: z.enum(PLAN_IDS, { error: `Unknown plan; choose one of ${PLAN_IDS.join(", ")}` }).openapi({ example: "growth" }),
    email: emailSchema,
    // The business, as on the pricing preview: the count promised is stated for it (src/billing/promise.ts).
    country: z
      .string()
      .trim()
      .transform((v) => v.toUpperCase())
      .refine(isCountryCode, "Not an ISO 3166-1 alpha-2 country code")
      .optional()
      .openapi({ example: "US", description: "Required with the live catalog" }),
    category: z.string().trim().refine(isCategorySlug, "Not a business category slug").optional().openapi({ example: "bakery", description: "Required with the live catalog" }),
    region: z.string().trim().max(100, "at most 100 characters").optional(),
    acceptShortfall: z.boolean().optional().openapi({ description: "When the plan cannot be filled for this business: the buyer accepts that the missing directories are refunded pro rata" }),
  })
  .openapi("CheckoutRequest");

const CheckoutCreated = z
  .object({
    url: z.string().openapi({ description: "Where to send the buyer (Stripe Checkout, or the local stand-in)" }),
    sessionId: z.string().openapi({ example: "cs_test_a1B2c3" }),
  })
  .openapi("CheckoutCreated");

const CheckoutStatus = z
  .object({
    status: z.enum(["pending", "fulfilled"]),
    jobId: z.string().nullable(),
    plan: z.enum(PLAN_IDS),
    directories: z.number().int().openapi({ description: "Submissions the job has (fulfilled), or the plan's count (pending)" }),
  })
  .openapi("CheckoutStatus");

const IdempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7E]+$/, "Printable ASCII without spaces, at most 255 characters")
    .optional()
    .openapi({ description: "Repeat a request safely: the same key and body return the same session" }),
});

const SessionParam = z.object({
  sessionId: z
    .string()
    .regex(/^cs_[A-Za-z0-9_]{1,250}$/, "Not a Checkout Session id (cs_…)")
    .openapi({ param: { name: "sessionId", in: "path" }, example: "cs_test_a1B2c3" }),
});

const createCheckout = createRoute({
  method: "post",
  path: "/",
  tags: ["purchase"],
  summary: "Start a Checkout for a plan",
  middleware: jsonRequest(),
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CheckoutRequest } } },
  },
  responses: {
    200: { description: "The Checkout Session to send the buyer to", content: { "application/json": { schema: CheckoutCreated } } },
    ...errorResponses,
    409: jsonError("The plan cannot be filled for this business and the shortfall was not accepted (the message gives both counts)"),
    422: jsonError("The Idempotency-Key was used with another plan or email"),
    502: jsonError("Stripe did not answer or refused"),
    503: jsonError("Payments are not configured on this deployment"),
  },
});

const checkoutStatus = createRoute({
  method: "get",
  path: "/{sessionId}",
  tags: ["purchase"],
  summary: "The success page's poll; fulfils a paid session if the webhook has not yet",
  request: { params: SessionParam },
  responses: {
    200: { description: "Pending until paid and fulfilled", content: { "application/json": { schema: CheckoutStatus } } },
    400: errorResponses[400],
    402: jsonError("The payment failed"),
    409: jsonError("The payment does not match the plan's price or our payment mode: not fulfilled, staff look at it"),
    404: jsonError("No such Checkout Session (or not a DirectoryBolt one)"),
    502: jsonError("Stripe did not answer"),
  },
});

const localPage = createRoute({
  method: "get",
  path: "/local/{sessionId}",
  hide: true,
  request: { params: SessionParam },
  responses: { 200: { description: "The local payment page", content: { "text/html": { schema: z.string() } } } },
});

const localPay = createRoute({
  method: "post",
  path: "/local/{sessionId}/pay",
  hide: true,
  middleware: formRequest(),
  request: {
    params: SessionParam,
    body: {
      required: true,
      content: {
        "application/x-www-form-urlencoded": {
          schema: z.object({
            country: z
              .string()
              .transform((s) => s.trim().toUpperCase())
              .refine(isCountryCode, "Not an ISO 3166-1 alpha-2 country code"),
          }),
        },
      },
    },
  },
  responses: { 303: { description: "Paid: on to the success page" } },
});

/** The local stand-in: configured as local, and the request itself addressed to a loopback host. */
function requireLocal(env: Env, requestUrl: string): void {
  if (!isLocalCheckout(env) || !isLoopback(requestUrl)) {
    throw new ApiError(404, "not_found", "The local checkout runs only without STRIPE_SECRET_KEY, on a local PUBLIC_URL, for a local request");
  }
}

function executionContextOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    return undefined;
  }
}

export const checkout = newApiApp()
  .openapi(createCheckout, async (c) => {
    const body = c.req.valid("json");
    const { plan, email } = body;
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    const catalog = catalogOf(c.env);
    if (checkoutMode(c.env) === "stripe") {
      // Stated before the session exists: a short plan without acceptance creates nothing.
      const promise = await withDatabase(c.env, ({ db }) => db.transaction((tx) => statePromise(tx, catalog, body)));
      const created = await createStripeSession(c.env, plan, email, idempotencyKey, promise);
      await withDatabase(c.env, ({ db }) =>
        db.transaction(async (tx) => {
          await recordStripeSession(tx, created.sessionId, plan);
          await recordPromise(tx, created.sessionId, promise);
        }),
      );
      return c.json(created, 200);
    }
    if (!isLoopback(c.req.url)) throw new ApiError(503, "payments_not_configured", "Payments are not configured on this deployment");
    const { row } = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const promise = await statePromise(tx, catalog, body);
        const created = await createLocalSession(tx, { plan, email, idempotencyKey });
        await recordPromise(tx, created.row.id, promise);
        return created;
      }),
    );
    return c.json({ url: localCheckoutPageUrl(c.env, row.id), sessionId: row.id }, 200);
  })
  .openapi(checkoutStatus, async (c) => {
    const { sessionId } = c.req.valid("param");
    c.header("cache-control", "no-store");
    return withDatabase(c.env, async ({ db }) => {
      // Fast path: already fulfilled (usually by the webhook); no call to Stripe.
      // (Short transactions throughout, none held across the call to Stripe.)
      const [known] = await db.transaction((tx) =>
        tx
          .select({ plan: orders.plan, status: orders.status, jobId: jobs.id, directories: jobs.directoriesTotal })
          .from(orders)
          .leftJoin(jobs, eq(jobs.orderId, orders.id))
          .where(eq(orders.stripeCheckoutSessionId, sessionId)),
      );
      if (known?.jobId) {
        return c.json({ status: "fulfilled" as const, jobId: known.jobId, plan: known.plan as PlanId, directories: known.directories ?? 0 }, 200);
      }
      if (known?.status === "payment_failed") throw new ApiError(402, "payment_failed", "The payment for this checkout failed");

      const session = await retrieveSession(c.env, db, sessionId);
      const reading = session ? readCheckoutSession(session) : null;
      if (!session || !reading?.ok) throw new ApiError(404, "checkout_session_not_found", `No DirectoryBolt checkout ${sessionId}`);
      const plan = reading.facts.plan;
      if (session.status !== "complete") {
        return c.json({ status: "pending" as const, jobId: null, plan, directories: PLANS[plan].directories }, 200);
      }
      const result = await fulfilCheckoutSession(db, { catalog: catalogOf(c.env), livemode: isLiveMode(c.env) }, session);
      if (result.status === "refused") {
        log("error", "stripe session refused", { sessionId, reason: result.reason });
        throw new ApiError(409, "payment_mismatch", "This payment does not match the plan; our staff will look at it");
      }
      if (result.status === "fulfilled") {
        if (result.created) await maybeStartJob(c.env, db, result.jobId, { defer: (p) => runAfterResponse(c, p, "startJob") });
        return c.json({ status: "fulfilled" as const, jobId: result.jobId, plan: result.plan, directories: result.directories }, 200);
      }
      if (result.status === "payment_failed") throw new ApiError(402, "payment_failed", "The payment for this checkout failed");
      return c.json({ status: "pending" as const, jobId: null, plan, directories: PLANS[plan].directories }, 200);
    });
  })
  .openapi(localPage, async (c) => {
    requireLocal(c.env, c.req.url);
    const { sessionId } = c.req.valid("param");
    const found = await withDatabase(c.env, ({ db }) => db.transaction(async (tx) => ({ row: await getLocalSession(tx, sessionId), promise: await promiseOf(tx, sessionId) })));
    if (!found.row) throw new ApiError(404, "checkout_session_not_found", `No local checkout ${sessionId}`);
    c.header("content-security-policy", localPageCsp(c.env));
    c.header("cache-control", "no-store");
    return c.html(localPageHtml(localSessionObject(c.env, found.row), found.promise), 200);
  })
  .openapi(localPay, async (c) => {
    requireLocal(c.env, c.req.url);
    const { sessionId } = c.req.valid("param");
    const { country } = c.req.valid("form");
    const paid = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const row = await getLocalSession(tx, sessionId);
        if (!row) return null;
        if (localSessionObject(c.env, row).status === "expired") throw new ApiError(410, "checkout_expired", "This checkout has expired; start a new one");
        return payLocalSession(tx, sessionId, country);
      }),
    );
    if (!paid) throw new ApiError(404, "checkout_session_not_found", `No local checkout ${sessionId}`);
    const session = localSessionObject(c.env, paid.row);
    if (paid.changed) {
      const event = localSessionEvent("checkout.session.completed", session);
      const ctx = executionContextOf(c);
      const res = await deliverLocalEvent(c.env, c.req.url, event, (request) => stripeWebhook.fetch(request, c.env, ctx));
      if (!res.ok) {
        // As with Stripe, the success page fulfils from the session itself.
        log("error", "local webhook delivery failed", { status: res.status, body: await res.text() });
      }
    }
    return c.redirect(session.success_url!, 303);
  });
