/**
 * Stripe-shaped test fixtures, usable from Node and from workerd alike (no
 * Worker imports): a Checkout Session as Stripe's API returns it, an Event
 * wrapping any object, and the `stripe-signature` header stripe-node's own
 * test helper computes for a payload.
 */
import Stripe from "stripe";
import { PLANS, type PlanId } from "../../core/plans";
import { uniq } from "./ids";

export interface SessionOptions {
  id?: string;
  plan?: PlanId | string | null;
  email?: string;
  country?: string | null;
  status?: "open" | "complete" | "expired";
  paymentStatus?: "paid" | "unpaid" | "no_payment_required";
  paymentIntent?: string | null;
  customer?: string | null;
  mode?: "payment" | "subscription";
  /** Defaults to the plan's price (1000 for an unknown plan). */
  amount?: number;
  currency?: string;
}

/** A Checkout Session as Stripe's API returns it (API version of stripe-node). */
export function checkoutSession(o: SessionOptions = {}): Stripe.Checkout.Session {
  const id = o.id ?? `cs_test_${uniq("a")}`;
  const plan = o.plan === undefined ? "starter" : o.plan;
  const amount = o.amount ?? (plan && plan in PLANS ? PLANS[plan as PlanId].priceCents : 1000);
  const status = o.status ?? "complete";
  const complete = status === "complete";
  const created = Math.floor(Date.now() / 1000);
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: "required",
    cancel_url: "http://127.0.0.1:8787/pricing?checkout=cancelled",
    client_reference_id: null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: o.currency ?? "usd",
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: o.customer === undefined ? (complete ? `cus_${uniq()}` : null) : o.customer,
    customer_account: null,
    customer_creation: "always",
    customer_details: complete
      ? {
          address: { city: "Stuttgart", country: o.country === undefined ? "DE" : o.country, line1: "Königstraße 1", line2: null, postal_code: "70173", state: null },
          business_name: null,
          email: o.email ?? `${uniq("buyer")}@example.com`,
          individual_name: null,
          name: "Ana Müller",
          phone: null,
          tax_exempt: "none",
          tax_ids: [],
        }
      : null,
    customer_email: o.email ?? null,
    discounts: [],
    expires_at: created + 86400,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: plan === null ? {} : { plan },
    mode: o.mode ?? "payment",
    origin_context: null,
    payment_intent: o.paymentIntent === undefined ? (complete ? `pi_${uniq()}` : null) : o.paymentIntent,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ["card"],
    payment_status: o.paymentStatus ?? (complete ? "paid" : "unpaid"),
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status,
    submit_type: null,
    subscription: null,
    success_url: "http://127.0.0.1:8787/checkout/success?session_id={CHECKOUT_SESSION_ID}",
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: complete ? null : `https://checkout.stripe.com/c/pay/${id}`,
    wallet_options: null,
  };
}

export function stripeEvent(type: string, object: unknown, id = `evt_${uniq()}`): Stripe.Event {
  return {
    id,
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as Stripe.Event;
}

// Signing only: the key is never sent anywhere.
const stripe = new Stripe("sk_test_signing_only", { httpClient: Stripe.createFetchHttpClient() });
const cryptoProvider = Stripe.createSubtleCryptoProvider();

/** The `stripe-signature` header Stripe would send with `payload`, signed with `secret` at `timestamp` (now by default). */
export async function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider });
}
