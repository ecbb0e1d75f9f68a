/**
 * The local stand-in for Stripe Checkout (no STRIPE_SECRET_KEY, loopback
 * PUBLIC_URL: development, tests). Sessions live in Postgres
 * (`local_checkout_sessions`), so they survive a restart of `npm run dev`
 * and the success page can read one exactly as it would retrieve a session
 * from Stripe. "Pay" marks the session paid, then delivers a
 * `checkout.session.completed` event, in Stripe's JSON shape and signed with
 * STRIPE_WEBHOOK_SECRET the way Stripe signs, to the real webhook handler:
 * the same verification, idempotency and fulfilment code runs.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { localCheckoutSessions } from "../db/schema";
import { ApiError } from "../http/errors";
import { PLANS, type PlanId } from "../../core/plans";
import { Stripe, cancelUrl, localCheckoutPageUrl, signStripePayload, successUrl } from "./stripe";

export type LocalSessionRow = typeof localCheckoutSessions.$inferSelect;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Stripe-looking random ids: `cs_local_…`, `evt_local_…`. */
export function localId(prefix: string, length = 32): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_local_${out}`;
}

/**
 * Creates a session; with an idempotency key, a repeat with the same plan and
 * email returns the first session, and a repeat with other values is refused
 * (422), as Stripe refuses a reused key with different parameters.
 */
export async function createLocalSession(db: Database | Transaction, input: { plan: PlanId; email: string; idempotencyKey?: string | null }): Promise<{ row: LocalSessionRow; replayed: boolean }> {
  const plan = PLANS[input.plan];
  const [row] = await db
    .insert(localCheckoutSessions)
    .values({
      id: localId("cs"),
      plan: plan.id,
      email: input.email,
      amountCents: plan.priceCents,
      currency: plan.currency,
      idempotencyKey: input.idempotencyKey ?? null,
    })
    .onConflictDoNothing({ target: localCheckoutSessions.idempotencyKey })
    .returning();
  if (row) return { row, replayed: false };
  const [first] = await db.select().from(localCheckoutSessions).where(eq(localCheckoutSessions.idempotencyKey, input.idempotencyKey!));
  if (!first) throw new Error("idempotency key conflict without a row");
  if (first.plan !== input.plan || first.email !== input.email) {
    throw new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was used for a checkout with a different plan or email");
  }
  return { row: first, replayed: true };
}

export async function getLocalSession(db: Database | Transaction, id: string): Promise<LocalSessionRow | null> {
  const [row] = await db.select().from(localCheckoutSessions).where(eq(localCheckoutSessions.id, id));
  return row ?? null;
}

/** "Pay": open → complete + paid, once. Null when there is no such session. */
export async function payLocalSession(db: Database | Transaction, id: string, country: string): Promise<{ row: LocalSessionRow; changed: boolean } | null> {
  const [paid] = await db
    .update(localCheckoutSessions)
    .set({
      status: "complete",
      paymentStatus: "paid",
      country,
      completedAt: new Date(),
      stripeCustomerId: localId("cus", 14),
      stripePaymentIntentId: localId("pi", 24),
    })
    .where(and(eq(localCheckoutSessions.id, id), eq(localCheckoutSessions.status, "open")))
    .returning();
  if (paid) return { row: paid, changed: true };
  const row = await getLocalSession(db, id);
  return row ? { row, changed: false } : null;
}

const SESSION_TTL_SECONDS = 24 * 3600;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The session as Stripe's API would return it (the types keep the shape honest). */
export function localSessionObject(env: Pick<Env, "PUBLIC_URL">, row: LocalSessionRow): Stripe.Checkout.Session {
  const complete = row.status === "complete";
  const created = seconds(row.createdAt);
  const expired = !complete && Date.now() / 1000 > created + SESSION_TTL_SECONDS;
  return {
    id: row.id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: row.amountCents,
    amount_total: row.amountCents,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: "required",
    cancel_url: cancelUrl(env, row.plan as PlanId),
    client_reference_id: null,
    client_secret: null,
    collected_information: complete ? { business_name: null, individual_name: null, shipping_details: null } : null,
    consent: null,
    consent_collection: null,
    created,
    currency: row.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: row.stripeCustomerId,
    customer_account: null,
    customer_creation: "always",
    customer_details: complete
      ? {
          address: { city: null, country: row.country, line1: null, line2: null, postal_code: null, state: null },
          business_name: null,
          email: row.email,
          individual_name: null,
          name: null,
          phone: null,
          tax_exempt: "none",
          tax_ids: [],
        }
      : null,
    customer_email: row.email,
    discounts: [],
    expires_at: created + SESSION_TTL_SECONDS,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: { plan: row.plan },
    mode: "payment",
    origin_context: null,
    payment_intent: row.stripePaymentIntentId,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: row.paymentStatus === "paid" ? "paid" : "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: complete ? "complete" : expired ? "expired" : "open",
    submit_type: null,
    subscription: null,
    success_url: successUrl(env).replace("{CHECKOUT_SESSION_ID}", row.id),
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: complete || expired ? null : localCheckoutPageUrl(env, row.id),
    wallet_options: null,
  } satisfies Stripe.Checkout.Session;
}

/** A webhook event around a session, as Stripe delivers it. */
export function localSessionEvent(
  type: "checkout.session.completed" | "checkout.session.async_payment_succeeded" | "checkout.session.async_payment_failed",
  session: Stripe.Checkout.Session,
): Stripe.Event {
  return {
    id: localId("evt", 24),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object: session },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as Stripe.Event;
}

/**
 * Delivers `event` as Stripe would: signed with STRIPE_WEBHOOK_SECRET, posted
 * to `receive`, the webhook route itself (its path is "/" of its sub-app), so
 * the same verification, idempotency and fulfilment code runs.
 */
export async function deliverLocalEvent(
  env: Pick<Env, "STRIPE_WEBHOOK_SECRET">,
  requestUrl: string,
  event: Stripe.Event,
  receive: (request: Request) => Response | Promise<Response>,
): Promise<Response> {
  const payload = JSON.stringify(event, null, 2);
  const signature = await signStripePayload(env.STRIPE_WEBHOOK_SECRET, payload);
  const request = new Request(new URL("/", requestUrl), {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature, "user-agent": "DirectoryBolt local checkout" },
    body: payload,
  });
  return receive(request);
}
