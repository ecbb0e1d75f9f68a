/**
 * Stripe Checkout Sessions for a plan: creating one (with the client's
 * Idempotency-Key, namespaced) and reading one back, from Stripe or, in local
 * mode, from the stand-in (src/billing/local-checkout.ts). Stripe's failures
 * become the API's answers: a reused key with other values is a 422, anything
 * else Stripe refuses or does not answer is a 502.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { stripeCheckoutSessions } from "../db/schema";
import { ApiError } from "../http/errors";
import { PLANS, type PlanId } from "../../core/plans";
import { log } from "../../core/log";
import { getLocalSession, localSessionObject } from "./local-checkout";
import type { CheckoutPromise } from "./promise";
import { Stripe, cancelUrl, checkoutMode, stripeClient, successUrl } from "./stripe";

function stripeFailure(err: unknown, what: string): ApiError {
  if (err instanceof Stripe.errors.StripeIdempotencyError) {
    return new ApiError(422, "idempotency_key_reused", "This Idempotency-Key was used for a checkout with a different plan or email");
  }
  const message = err instanceof Error ? err.message : String(err);
  log("error", `stripe ${what} failed`, { error: message });
  return new ApiError(502, "payment_provider_error", `Stripe could not ${what}; try again in a moment`);
}

/** What Stripe's page says the buyer gets: the plan's count, or, for an accepted short plan, both numbers and the refund. */
function productDescription(promise: CheckoutPromise | undefined, promised: number): string {
  if (promise && promise.available < promise.promised) {
    const missing = promise.promised - promise.available;
    return `${promise.available} of the ${promise.promised} directories fit your business now; the ${missing} missing are refunded pro rata when the job ends (one-time)`;
  }
  return `Your business listed in ${promised} online directories (one-time)`;
}

export async function createStripeSession(env: Env, plan: PlanId, email: string, idempotencyKey?: string, promise?: CheckoutPromise): Promise<{ url: string; sessionId: string }> {
  const p = PLANS[plan];
  // The promise travels with the payment too, for whoever reads it in Stripe's dashboard.
  const promiseMetadata: Record<string, string> = promise ? { promised: String(promise.promised), available: String(promise.available), shortfall_accepted: String(promise.shortfallAccepted) } : {};
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
                description: productDescription(promise, p.directories),
              },
            },
          },
        ],
        metadata: { plan: p.id, ...promiseMetadata },
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

/** Remembers a session this deployment created, so its success page may ask Stripe about it (a repeat changes nothing). */
export async function recordStripeSession(db: Database | Transaction, sessionId: string, plan: PlanId): Promise<void> {
  await db.insert(stripeCheckoutSessions).values({ id: sessionId, plan }).onConflictDoNothing();
}

/**
 * Whether an id can be one of this deployment's sessions: Stripe gives
 * `cs_test_` ids to test keys and `cs_live_` ids to live keys; the local
 * stand-in gives `cs_local_`. Anything else is answered without asking Stripe.
 */
export function couldBeOurSession(env: Pick<Env, "STRIPE_SECRET_KEY" | "PUBLIC_URL">, sessionId: string): boolean {
  if (checkoutMode(env) === "local") return sessionId.startsWith("cs_local_");
  const live = /^[sr]k_live_/.test(env.STRIPE_SECRET_KEY);
  return sessionId.startsWith(live ? "cs_live_" : "cs_test_");
}

/**
 * The session, from Stripe or the local stand-in; null when it does not
 * exist or is not one this deployment created (then Stripe is not asked).
 */
export async function retrieveSession(env: Env, db: Database, sessionId: string): Promise<Stripe.Checkout.Session | null> {
  if (!couldBeOurSession(env, sessionId)) return null;
  if (checkoutMode(env) === "local") {
    const row = await db.transaction((tx) => getLocalSession(tx, sessionId));
    return row ? localSessionObject(env, row) : null;
  }
  const [created] = await db.select({ id: stripeCheckoutSessions.id }).from(stripeCheckoutSessions).where(eq(stripeCheckoutSessions.id, sessionId));
  if (!created) return null;
  try {
    return await stripeClient(env).checkout.sessions.retrieve(sessionId);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeInvalidRequestError && (err.statusCode === 404 || err.code === "resource_missing")) return null;
    throw stripeFailure(err, "look up the checkout");
  }
}
