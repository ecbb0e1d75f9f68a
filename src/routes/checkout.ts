/**
 * Checkout:
 * - `POST /api/checkout {plan, email}` → a Stripe Checkout Session (or the
 *   local stand-in's) → `{url, sessionId}`; an `Idempotency-Key` header makes
 *   a retried request return the same session.
 * - `GET /api/checkout/:sessionId` → the success page's poll, and the second
 *   way to fulfil: `{"status":"pending"|"fulfilled","jobId","plan","directories"}`.
 * - `GET /api/checkout/local/:sessionId` and its `POST .../pay`: the local
 *   stand-in's payment page (only without STRIPE_SECRET_KEY, on loopback).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { fulfilCheckoutSession, catalogOf } from "../billing/fulfilment";
import { createLocalSession, getLocalSession, localSessionEvent, localSessionObject, payLocalSession } from "../billing/local-checkout";
import { maybeStartJob } from "../billing/readiness";
import { readCheckoutSession } from "../billing/session";
import {
  Stripe,
  cancelUrl,
  checkoutMode,
  isLocalCheckout,
  localCheckoutPageUrl,
  signStripePayload,
  stripeClient,
  successUrl,
} from "../billing/stripe";
import type { Database } from "../db/client";
import { jobs, orders } from "../db/schema";
import { ApiError } from "../http/errors";
import { emailSchema } from "../profile/schema";
import { isCountryCode } from "../profile/countries";
import { PLANS, PLAN_IDS, type PlanId } from "../../core/plans";
import { errorResponses, formRequest, jsonError, jsonRequest, newApiApp, runAfterResponse, withDatabase } from "./api-support";
import { stripeWebhook } from "./stripe-webhook";
import { log } from "../../core/log";

const CheckoutRequest = z
  .strictObject({
    plan: z.enum(PLAN_IDS, { error: `Unknown plan; choose one of ${PLAN_IDS.join(", ")}` }).openapi({ example: "growth" }),
    email: emailSchema,
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

function stripeFailure(err: unknown, what: string): ApiError {
  if (err instanceof Stripe.errors.StripeIdempotencyError) {
    return new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was used for a checkout with a different plan or email");
  }
  const message = err instanceof Error ? err.message : String(err);
  log("error", `stripe ${what} failed`, { error: message });
  return new ApiError(502, "payment_provider_error", `Stripe could not ${what}; try again in a moment`);
}

async function createStripeSession(env: Env, plan: PlanId, email: string, idempotencyKey?: string) {
  const p = PLANS[plan];
  try {
    const session = await stripeClient(env).checkout.sessions.create(
      {
        mode: "payment",
        customer_email: email,
        customer_creation: "always",
        billing_address_collection: "required",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: p.currency,
              unit_amount: p.priceCents,
              product_data: {
                name: `DirectoryBolt ${p.name}`,
                description: `Your business listed in ${p.directories} online directories (one-time)`,
              },
            },
          },
        ],
        metadata: { plan: p.id },
        payment_intent_data: { metadata: { plan: p.id } },
        success_url: successUrl(env),
        cancel_url: cancelUrl(env, p.id),
      },
      // Namespaced: the client's key is theirs, and must not collide with
      // keys other callers use on the same Stripe account.
      idempotencyKey ? { idempotencyKey: `directorybolt-checkout:${idempotencyKey}` } : undefined,
    );
    if (!session.url) throw new Error("Stripe returned a session without a URL");
    return { url: session.url, sessionId: session.id };
  } catch (err) {
    throw stripeFailure(err, "start the checkout");
  }
}

/** The session, from Stripe or the local stand-in; null when it does not exist. */
async function retrieveSession(env: Env, db: Database, sessionId: string): Promise<Stripe.Checkout.Session | null> {
  if (checkoutMode(env) === "local") {
    const row = await db.transaction((tx) => getLocalSession(tx, sessionId));
    return row ? localSessionObject(env, row) : null;
  }
  try {
    return await stripeClient(env).checkout.sessions.retrieve(sessionId);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === "resource_missing")) return null;
    throw stripeFailure(err, "look up the checkout");
  }
}

function requireLocal(env: Env): void {
  if (!isLocalCheckout(env)) throw new ApiError(404, "not_found", "The local checkout runs only without STRIPE_SECRET_KEY, on a local PUBLIC_URL");
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

function localPageHtml(session: Stripe.Checkout.Session): string {
  const plan = PLANS[session.metadata!.plan as PlanId];
  const price = `$${(plan.priceCents / 100).toFixed(2)}`;
  const open = session.status === "open";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local checkout · DirectoryBolt</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}
.box{border:1px solid #d0d0d8;border-radius:.75rem;padding:1.5rem}.note{color:#666;font-size:.85rem}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.5rem;background:#4f46e5;color:#fff;cursor:pointer}
label{display:block;margin:1rem 0}</style></head>
<body><div class="box">
<h1>DirectoryBolt ${escapeHtml(plan.name)}</h1>
<p>${plan.directories} directories, one-time: <strong>${price}</strong></p>
<p>Billed to <strong>${escapeHtml(session.customer_email ?? "")}</strong></p>
${
  open
    ? `<form method="post" action="/api/checkout/local/${escapeHtml(session.id)}/pay">
<label>Billing country <input name="country" value="US" maxlength="2" size="3" pattern="[A-Za-z]{2}" required></label>
<button type="submit">Pay ${price}</button></form>
<p><a href="${escapeHtml(session.cancel_url ?? "/")}">Cancel</a></p>`
    : `<p>This checkout is ${escapeHtml(session.status ?? "closed")}. <a href="${escapeHtml(session.success_url ?? "/")}">Continue</a></p>`
}
<p class="note">Local checkout: no Stripe keys are set, so no money moves. “Pay” sends a signed
<code>checkout.session.completed</code> to this server's own webhook.</p>
</div></body></html>`;
}

function executionContextOf(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    return undefined;
  }
}

async function deliverToWebhook(env: Env, requestUrl: string, ctx: ExecutionContext | undefined, event: Stripe.Event): Promise<Response> {
  const payload = JSON.stringify(event, null, 2);
  const signature = await signStripePayload(env.STRIPE_WEBHOOK_SECRET, payload);
  // The webhook sub-app itself (mounted at /api/webhooks/stripe, its route
  // is "/"): the same verification, idempotency and fulfilment code.
  const request = new Request(new URL("/", requestUrl), {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature, "user-agent": "DirectoryBolt local checkout" },
    body: payload,
  });
  return stripeWebhook.fetch(request, env, ctx);
}

export const checkout = newApiApp()
  .openapi(createCheckout, async (c) => {
    const { plan, email } = c.req.valid("json");
    const idempotencyKey = c.req.valid("header")["idempotency-key"];
    if (checkoutMode(c.env) === "stripe") return c.json(await createStripeSession(c.env, plan, email, idempotencyKey), 200);
    const { row } = await withDatabase(c.env, ({ db }) => db.transaction((tx) => createLocalSession(tx, { plan, email, idempotencyKey })));
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
      const result = await fulfilCheckoutSession(db, { catalog: catalogOf(c.env) }, session);
      if (result.status === "fulfilled") {
        if (result.created) await maybeStartJob(c.env, db, result.jobId, { defer: (p) => runAfterResponse(c, p, "startJob") });
        return c.json({ status: "fulfilled" as const, jobId: result.jobId, plan: result.plan, directories: result.directories }, 200);
      }
      if (result.status === "payment_failed") throw new ApiError(402, "payment_failed", "The payment for this checkout failed");
      return c.json({ status: "pending" as const, jobId: null, plan, directories: PLANS[plan].directories }, 200);
    });
  })
  .openapi(localPage, async (c) => {
    requireLocal(c.env);
    const { sessionId } = c.req.valid("param");
    const row = await withDatabase(c.env, ({ db }) => db.transaction((tx) => getLocalSession(tx, sessionId)));
    if (!row) throw new ApiError(404, "checkout_session_not_found", `No local checkout ${sessionId}`);
    const session = localSessionObject(c.env, row);
    const publicOrigin = new URL(c.env.PUBLIC_URL).origin;
    c.header("content-security-policy", `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${publicOrigin}; base-uri 'none'`);
    c.header("cache-control", "no-store");
    return c.html(localPageHtml(session), 200);
  })
  .openapi(localPay, async (c) => {
    requireLocal(c.env);
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
      const res = await deliverToWebhook(c.env, c.req.url, executionContextOf(c), localSessionEvent("checkout.session.completed", session));
      if (!res.ok) {
        // As with Stripe, the success page fulfils from the session itself.
        log("error", "local webhook delivery failed", { status: res.status, body: await res.text() });
      }
    }
    return c.redirect(session.success_url!, 303);
  });
