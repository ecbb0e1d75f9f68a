/**
 * The facts fulfilment needs from a Checkout Session, read from the session
 * object itself (the webhook's event carries it; the success page retrieves
 * it), never by calling Stripe back from the webhook.
 */
import type Stripe from "stripe";
import { isPlanId, PLANS, type PlanId } from "../../core/plans";

export interface PurchaseFacts {
  sessionId: string;
  plan: PlanId;
  /** Lower-cased buyer email (customer_details.email, else customer_email). */
  email: string;
  name: string | null;
  stripeCustomerId: string | null;
  paymentIntentId: string | null;
  amountCents: number;
  currency: string;
  /** Billing country (ISO 3166-1 alpha-2) when Checkout collected it. */
  country: string | null;
  /** Checkout finished (`status: complete`). */
  complete: boolean;
  /** The money is in: `paid`, or nothing was due. */
  paid: boolean;
  /** Stripe's live mode (false: test mode, and the local stand-in). */
  livemode: boolean;
}

export type SessionReading = { ok: true; facts: PurchaseFacts } | { ok: false; reason: string };

function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === "string" ? ref : ref.id;
}

/**
 * Reads a session as a DirectoryBolt purchase. A session without our plan in
 * its metadata (another product on the same Stripe account) or without an
 * email is not ours to fulfil.
 */
export function readCheckoutSession(session: Stripe.Checkout.Session): SessionReading {
  if (session.object !== "checkout.session" || typeof session.id !== "string") return { ok: false, reason: "not a checkout session" };
  if (session.mode !== "payment") return { ok: false, reason: `mode ${session.mode} is not a one-time payment` };
  const plan = session.metadata?.plan;
  if (!isPlanId(plan)) return { ok: false, reason: `metadata.plan ${JSON.stringify(plan ?? null)} is not a plan` };
  const email = (session.customer_details?.email ?? session.customer_email ?? "").trim().toLowerCase();
  if (!email) return { ok: false, reason: "the session has no buyer email" };
  const country = session.customer_details?.address?.country ?? null;
  return {
    ok: true,
    facts: {
      sessionId: session.id,
      plan,
      email,
      name: session.customer_details?.name ?? null,
      stripeCustomerId: idOf(session.customer),
      paymentIntentId: idOf(session.payment_intent),
      amountCents: session.amount_total ?? 0,
      currency: (session.currency ?? "usd").toLowerCase(),
      country: country && /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
      complete: session.status === "complete",
      paid: session.payment_status === "paid" || session.payment_status === "no_payment_required",
      livemode: session.livemode === true,
    },
  };
}

/**
 * Why a finished session must not be fulfilled though it names our plan:
 * it charged another amount or currency than the plan's price (a session
 * made by hand on the account, a changed price, a 100% coupon), or it is of
 * the other mode than our key (a test payment reaching production). Null
 * when it matches. `amount_total` is what was charged, after any discount.
 */
export function purchaseMismatch(facts: PurchaseFacts, expect: { livemode: boolean }): string | null {
  const plan = PLANS[facts.plan];
  if (facts.currency !== plan.currency) return `currency ${facts.currency} is not the ${plan.name} plan's ${plan.currency}`;
  if (facts.amountCents !== plan.priceCents) return `amount ${facts.amountCents} ${facts.currency} is not the ${plan.name} plan's price ${plan.priceCents} ${plan.currency}`;
  if (facts.livemode !== expect.livemode) return `a ${facts.livemode ? "live mode" : "test mode"} session, and our key is ${expect.livemode ? "live mode" : "test mode"}`;
  return null;
}
